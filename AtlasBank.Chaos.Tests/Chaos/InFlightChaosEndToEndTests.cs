using System.Diagnostics;
using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// Against the real app: the emergency stop reaches calls another process is already delaying, and a service
/// switched out of chaos by configuration is switched back in without a restart.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class InFlightChaosEndToEndTests(AtlasAppFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>
    /// Longer than the test runs: the other process never re-reads the state on its own, so only disable-all's change
    /// message can release its calls. How fast that is (target 100 ms) is the propagation benchmark's to measure.
    /// </summary>
    private static readonly TimeSpan NoResync = TimeSpan.FromMinutes(10);

    /// <summary>The injected delay: twice the bound on every await here, so a call back in time was cut short.</summary>
    private const int DelayMs = 60_000;

    private static readonly Uri Target = new("http://ledgerapi/alive");
    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));

    public Task InitializeAsync() => _manager.DisableEverythingAsync();

    public Task DisposeAsync() => _manager.DisableEverythingAsync();

    [Fact]
    public async Task DisableAllReleasesAnotherProcesssInFlightDelayedCallsByItsMessage()
    {
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(fixture, NoResync, chaosEnabled: true);
        using var client = otherProcess.CreateClient();
        using (var warmUp = await client.GetAsync(Target).WaitAsync(AtlasAppFixture.RequestTimeout))
        {
            Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode); // connections open before anything is timed
        }

        await _manager.EnableAsync($$"""{"Service":"ledger","Mode":"latency","DelayMs":{{DelayMs}}}""");
        await Eventually.TrueAsync(() => otherProcess.ChaosView.Match(Target) is not null, TimeSpan.FromSeconds(10), () => "the other process to see the experiment");
        Task<(HttpStatusCode Status, bool Delayed, long ReturnedAt)>[] calls = [.. Enumerable.Range(0, 5).Select(_ => CallAsync(client))];
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.All(calls, call => Assert.False(call.IsCompleted, "a call returned before chaos was disabled"));

        using var disableAll = await _manager.PostAsync("/chaos/disable-all", "");
        var answeredAt = Stopwatch.GetTimestamp();
        Assert.Equal(HttpStatusCode.OK, disableAll.StatusCode);
        // Bounded well inside the injected delay: calls that waited it out would fail here.
        var results = await Task.WhenAll(calls).WaitAsync(AtlasAppFixture.RequestTimeout);

        var slowest = results.Max(result => Stopwatch.GetElapsedTime(answeredAt, result.ReturnedAt));
        output.WriteLine($"disable-all answered → last of {results.Length} delayed calls returned: {slowest.TotalMilliseconds:0.0} ms");
        Assert.All(results, result => Assert.Equal((HttpStatusCode.OK, true), (result.Status, result.Delayed)));
    }

    [Fact]
    public async Task AServiceStartedWithChaosSwitchedOffFollowsTheManagerOnceSwitchedOnAndStopsAtOnceWhenSwitchedOff()
    {
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(fixture, new ChaosOptions().ResyncInterval, chaosEnabled: false);
        using var client = otherProcess.CreateClient();
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));
        Assert.Null(otherProcess.ChaosView.LastSyncedAt); // switched off at start: it never read the state

        otherProcess.SetChaosEnabled(true);

        // Within less than the 5 s resync interval: switching on reads the state at once.
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(3), "chaos to start once switched on");

        otherProcess.SetChaosEnabled(false);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client)); // the very next call: no waiting for any resync
    }

    private static async Task<(HttpStatusCode Status, bool Delayed, long ReturnedAt)> CallAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Target);
        var returnedAt = Stopwatch.GetTimestamp();
        return (response.StatusCode, response.Headers.Contains(ChaosHeaders.Injected), returnedAt);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync(Target).WaitAsync(AtlasAppFixture.RequestTimeout);
        return response.StatusCode;
    }
}
