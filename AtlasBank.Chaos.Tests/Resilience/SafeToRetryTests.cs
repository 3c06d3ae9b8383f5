using System.Net;
using AtlasBank.Chaos.ServiceDefaults.Resilience;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.Tests.Resilience;

public sealed class SafeToRetryTests
{
    private const int MaxRetryAttempts = 3;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task APostWithoutAnIdempotencyKeyThatGetsA503IsSentOnce()
    {
        var calls = await CallsAsync(new HttpRequestMessage(HttpMethod.Post, "http://ledgerapi/transfers") { Content = new StringContent("{}") });

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task APostWithAnIdempotencyKeyIsRetried()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://ledgerapi/transfers") { Content = new StringContent("{}") };
        request.Headers.Add(SafeToRetry.IdempotencyKeyHeader, $"pay-{Guid.NewGuid():N}");

        var calls = await CallsAsync(request);

        Assert.Equal(1 + MaxRetryAttempts, calls);
    }

    [Theory]
    [InlineData("PUT")]
    [InlineData("PATCH")]
    [InlineData("DELETE")]
    public async Task OtherUnsafeMethodsWithoutAKeyAreSentOnce(string method)
    {
        var calls = await CallsAsync(new HttpRequestMessage(new HttpMethod(method), "http://ledgerapi/anything"));

        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task AGetIsRetried()
    {
        var calls = await CallsAsync(new HttpRequestMessage(HttpMethod.Get, "http://ledgerapi/accounts"));

        Assert.Equal(1 + MaxRetryAttempts, calls);
    }

    /// <summary>Sends through the standard handler with our predicate to a target that always answers 503.</summary>
    private static async Task<int> CallsAsync(HttpRequestMessage request)
    {
        var target = new Always503Handler();
        var services = new ServiceCollection();
        services.AddHttpClient("ledger")
            .AddStandardResilienceHandler(options =>
            {
                options.Retry.ShouldHandle = SafeToRetry.ShouldHandle;
                options.Retry.MaxRetryAttempts = MaxRetryAttempts;
                options.Retry.Delay = TimeSpan.Zero;
            }).Services
            .AddHttpClient("ledger")
            .ConfigurePrimaryHttpMessageHandler(() => target);
        await using var provider = services.BuildServiceProvider();

        using (request)
        using (var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("ledger").SendAsync(request).WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        }

        return target.Calls;
    }

    private sealed class Always503Handler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.ServiceUnavailable) { RequestMessage = request });
        }
    }
}
