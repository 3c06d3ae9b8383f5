using System.Diagnostics.Metrics;
using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Switching an experiment off reaches the calls it is already delaying: they go on at once, untouched.</summary>
public sealed class InFlightChaosTests : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5); // real time; the fake clock never moves in these waits
    private static readonly Uri Target = new("http://ledgerapi/health");
    private readonly FakeTimeProvider _time = new(ChaosTestData.Start);
    private readonly ChaosTargetStub _inner = new();
    private readonly List<HttpClient> _clients = [];

    [Fact]
    public async Task ALatencyDelayInFlightEndsAndTheCallReachesTheTargetWhenAResyncNoLongerHoldsTheExperiment()
    {
        var (cache, client) = Client(Latency60s());
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        cache.Apply([]);

        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task ALatencyDelayInFlightEndsWhenTheViewIsCleared()
    {
        var (cache, client) = Client(Latency60s());
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        cache.Clear();

        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task ALatencyDelayInFlightEndsWhenTheExperimentsLeasePasses()
    {
        var (_, client) = Client(Latency60s() with { ExpiresAt = ChaosTestData.Start.AddSeconds(10) });
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        _time.Advance(TimeSpan.FromSeconds(9));
        await AssertHeldAsync(call);
        _time.Advance(TimeSpan.FromSeconds(1));

        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task ALatencyDelayInFlightEndsWhenItsExperimentIsReplaced()
    {
        var (cache, client) = Client(Latency60s());
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        cache.Apply([Latency60s() with { ExperimentId = "exp-test-ledger-2" }]);

        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task AResyncThatStillHoldsTheExperimentLeavesItsDelaysRunning()
    {
        var (cache, client) = Client(Latency60s());
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        cache.Apply([Latency60s()]); // a fresh copy read from Redis, equal to the one held

        await AssertHeldAsync(call);
        _time.Advance(TimeSpan.FromSeconds(60));
        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task AFailureDelayCutShortInjectsNoFaultAndTheCallReachesTheTarget()
    {
        var (cache, client) = Client(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0, delayMs: 60_000));
        var call = client.GetAsync(Target);
        await AssertHeldAsync(call);

        cache.Apply([]);

        using var response = await call.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEqual(ChaosHeaders.Fault, response.Headers.TryGetValues(ChaosHeaders.Injected, out var kinds) ? kinds.Single() : null);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task EndingTheExperimentNeverCancelsTheCallersRequestButTheCallerStillCan()
    {
        var (_, client) = Client(Latency60s());
        using var caller = new CancellationTokenSource();
        var call = client.GetAsync(Target, caller.Token);
        await AssertHeldAsync(call);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Prompt));
        Assert.Equal(0, _inner.Calls);
    }

    public void Dispose()
    {
        _clients.ForEach(client => client.Dispose());
        _inner.Dispose();
    }

    private static ChaosExperiment Latency60s() => ChaosTestData.Experiment("ledger", ChaosMode.Latency, failureRate: 0, delayMs: 60_000);

    /// <summary>The call is waiting in its injected delay: not answered, the target not reached.</summary>
    private async Task AssertHeldAsync(Task<HttpResponseMessage> call)
    {
        await Task.Delay(50); // real time: any continuation that was going to run has run
        Assert.False(call.IsCompleted);
        Assert.Equal(0, _inner.Calls);
    }

    private (ChaosStateCache Cache, HttpClient Client) Client(ChaosExperiment experiment)
    {
        var cache = ChaosTestData.Cache(_time, null, experiment);
        var pipelines = new ChaosPipelineProvider(_time, new ChaosRandomizer(() => 0.5));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var handler = new ChaosHandler(cache, pipelines, new ChaosClientMetrics(meters), new ChaosHealthCounters()) { InnerHandler = _inner };
        var client = new HttpClient(handler, disposeHandler: false);
        _clients.Add(client);
        return (cache, client);
    }
}
