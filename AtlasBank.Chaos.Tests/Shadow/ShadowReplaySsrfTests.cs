using System.Net;
using System.Net.Sockets;
using System.Text;
using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Tests.Ledger;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>Requests aimed at another host through the primary never make the agent connect there (issue 10).</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ShadowReplaySsrfTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan VerdictBound = TimeSpan.FromSeconds(30);
    private readonly HttpClient _primaryHttp = fixture.CreateClient("ledgerapi");
    private readonly HttpClient _agent = fixture.CreateClient("chaos-agent");

    public Task InitializeAsync() => new Chaos.ChaosManagerClient(fixture.CreateClient("chaos-manager")).DisableEverythingAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task TargetsNamingAnotherHostAreNeitherSampledNorReplayedThere()
    {
        var primary = new LedgerClient(_primaryHttp);
        var (_, customer) = await primary.CreateFundedPairAsync(1m);
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var routed = $"/accounts/{Guid.NewGuid()}";

            // The third is absolute-form and would otherwise match a ledger route.
            await SendRawAsync($"GET //127.0.0.1:{port}/x HTTP/1.1\r\nHost: localhost\r\n");
            await SendRawAsync($"GET /%2F%2F127.0.0.1:{port}/x HTTP/1.1\r\nHost: localhost\r\n");
            await SendRawAsync($"GET http://127.0.0.1:{port}{routed} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n");

            // A normal read after them: once it is compared, the agent has read past the bad requests.
            await primary.GetAccountAsync(customer.Id);
            await Eventually.TrueAsync(async () => (await RecentAsync()).Any(c => c.Path.StartsWith($"/accounts/{customer.Id}", StringComparison.Ordinal)),
                VerdictBound, "the normal read's comparison");

            Assert.False(listener.Pending(), "the agent connected to the listener");
            var recent = await RecentAsync();
            Assert.DoesNotContain(recent, c => c.Path.Contains($"127.0.0.1:{port}", StringComparison.Ordinal) || c.Path.StartsWith(routed, StringComparison.Ordinal));
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Writes a request line and headers as given (HttpClient cannot send these targets) and reads the answer.</summary>
    private async Task SendRawAsync(string head)
    {
        var ledger = _primaryHttp.BaseAddress!;
        using var timeout = new CancellationTokenSource(AtlasAppFixture.RequestTimeout);
        using var client = new TcpClient();
        await client.ConnectAsync(ledger.Host, ledger.Port, timeout.Token);
        await using var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "Connection: close\r\n\r\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var answer = await reader.ReadToEndAsync(timeout.Token);
        Assert.StartsWith("HTTP/1.1 ", answer, StringComparison.Ordinal);
    }

    private async Task<List<ShadowComparison>> RecentAsync() =>
        await HttpJson.ReadAsync<List<ShadowComparison>>(await _agent.GetAsync("/shadow/comparisons?limit=500"));
}
