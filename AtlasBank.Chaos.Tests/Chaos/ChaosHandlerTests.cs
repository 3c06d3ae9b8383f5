using System.Diagnostics.Metrics;
using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

public sealed class ChaosHandlerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(ChaosTestData.Start);
    private readonly CountingHandler _inner = new();

    [Fact]
    public async Task FailureAtRateOneAnswers503TaggedWithTheExperimentAndNeverCallsTheService()
    {
        using var client = Client(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0), randomizer: 0.5);

        using var response = await client.GetAsync("http://ledgerapi/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("exp-test-ledger", response.Headers.GetValues(ChaosHeaders.Experiment).Single());
        Assert.Equal("fault", response.Headers.GetValues(ChaosHeaders.Injected).Single());
        Assert.Equal(0, _inner.Calls);
    }

    [Fact]
    public async Task FailureAtRateZeroLetsEveryCallThrough()
    {
        using var client = Client(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 0.0), randomizer: 0.0);

        using var response = await client.GetAsync("http://ledgerapi/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
        Assert.False(response.Headers.Contains(ChaosHeaders.Injected));
    }

    [Fact]
    public async Task LatencyHoldsTheCallForDelayMsThenLetsItThrough()
    {
        using var client = Client(ChaosTestData.Experiment("ledger", ChaosMode.Latency, failureRate: 0, delayMs: 500), randomizer: 0.5);

        var call = client.GetAsync("http://ledgerapi/health");
        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(call.IsCompleted);
        Assert.Equal(0, _inner.Calls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("latency", response.Headers.GetValues(ChaosHeaders.Injected).Single());
        Assert.Equal("exp-test-ledger", _inner.LastRequest!.Headers.GetValues(ChaosHeaders.Experiment).Single());
    }

    [Fact]
    public async Task FailureWithDelayFailsOnlyAfterTheDelay()
    {
        using var client = Client(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0, delayMs: 100), randomizer: 0.5);

        var call = client.GetAsync("http://ledgerapi/health");
        _time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        using var response = await call.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task CallsToOtherServicesAreUntouched()
    {
        using var client = Client(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0), randomizer: 0.0);

        using var response = await client.GetAsync("http://ledgerapi-dr/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
    }

    [Fact]
    public async Task TheStandardResilienceHandlerRetriesAnInjectedFault()
    {
        // Coin flips 0.1 then 0.9 at rate 0.5: the first attempt is failed by chaos, the retry goes through.
        var flips = new Queue<double>([0.1, 0.9]);
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(TimeProvider.System);
        services.AddSingleton(new ChaosRandomizer(() => flips.Count > 0 ? flips.Dequeue() : 0.9));
        services.AddChaosInjection();
        services.AddSingleton(provider =>
        {
            var cache = new ChaosStateCache(Microsoft.Extensions.Options.Options.Create(new ChaosOptions()), TimeProvider.System);
            cache.Apply([ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 0.5) with { ExpiresAt = DateTimeOffset.UtcNow.AddMinutes(5) }]);
            return cache;
        });
        services.AddHttpClient("ledger")
            .AddStandardResilienceHandler(options => options.Retry.Delay = TimeSpan.Zero).Services
            .AddHttpClient("ledger").AddChaosHandler()
            .ConfigurePrimaryHttpMessageHandler(() => _inner);
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("ledger").GetAsync("http://ledgerapi/health");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _inner.Calls);
        Assert.Empty(flips);
    }

    public void Dispose() => _inner.Dispose();

    private HttpClient Client(ChaosExperiment experiment, double randomizer)
    {
        var cache = ChaosTestData.Cache(_time, null, experiment);
        var pipelines = new ChaosPipelineProvider(_time, new ChaosRandomizer(() => randomizer));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new HttpClient(new ChaosHandler(cache, pipelines, new ChaosClientMetrics(meters), new ChaosHealthCounters()) { InnerHandler = _inner }, disposeHandler: false);
    }

    private sealed class CountingHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        public HttpRequestMessage? LastRequest { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            LastRequest = request;
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request });
        }
    }
}
