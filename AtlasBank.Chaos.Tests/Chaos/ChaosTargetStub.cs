using System.Net;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// The chaos target in unit tests: counts the calls that reach it and answers <see cref="Status"/>, or throws
/// <see cref="Failure"/> when set, or, with <see cref="Hang"/>, waits until the caller gives up.
/// </summary>
internal sealed class ChaosTargetStub : HttpMessageHandler
{
    private int _calls;

    public int Calls => _calls;

    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

    public Exception? Failure { get; init; }

    public bool Hang { get; init; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (Hang)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Failure is { } failure ? throw failure : new HttpResponseMessage(Status) { RequestMessage = request };
    }
}
