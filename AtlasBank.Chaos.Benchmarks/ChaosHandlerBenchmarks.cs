using System.Diagnostics.Metrics;
using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// Per-request cost of the chaos handler when no experiment targets the request, against the same pipeline
/// without it, over an in-memory inner handler (no network, no allocation of its own).
/// </summary>
[MemoryDiagnoser]
public class ChaosHandlerBenchmarks : IDisposable
{
    private static readonly Uri Target = new("http://ledgerapi/health");
    private readonly HttpRequestMessage _request = new(HttpMethod.Get, Target);
    private HttpMessageInvoker _bare = null!;
    private HttpMessageInvoker _chaosOff = null!;
    private HttpMessageInvoker _chaosOnElsewhere = null!;
    private HttpMessageInvoker _chaosOnTargetNotInjected = null!;
    private HttpMessageInvoker _standard = null!;
    private HttpMessageInvoker _standardWithChaosOff = null!;
    private ServiceProvider _services = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bare = new HttpMessageInvoker(new InMemoryHandler());
        _chaosOff = new HttpMessageInvoker(ChaosHandler(experiments: []));
        _chaosOnElsewhere = new HttpMessageInvoker(ChaosHandler(experiments:
        [
            new ChaosExperiment("payments", ChaosMode.Failure, 1.0, 0, 0, null, "exp-bench", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)),
        ]));

        // Failure chaos on this very target at rate 0: every call runs the experiment's pipeline, the coin says no.
        _chaosOnTargetNotInjected = new HttpMessageInvoker(ChaosHandler(experiments:
        [
            new ChaosExperiment("ledger", ChaosMode.Failure, 0.0, 0, 0, null, "exp-bench", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddHours(1)),
        ]));

        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddChaosInjection();
        services.AddHttpClient("standard").AddStandardResilienceHandler().Services
            .AddHttpClient("standard").ConfigurePrimaryHttpMessageHandler(() => new InMemoryHandler());
        services.AddHttpClient("standard-chaos").AddStandardResilienceHandler().Services
            .AddHttpClient("standard-chaos").AddChaosHandler().ConfigurePrimaryHttpMessageHandler(() => new InMemoryHandler());
        _services = services.BuildServiceProvider();
        var handlers = _services.GetRequiredService<IHttpMessageHandlerFactory>();
        _standard = new HttpMessageInvoker(handlers.CreateHandler("standard"));
        _standardWithChaosOff = new HttpMessageInvoker(handlers.CreateHandler("standard-chaos"));
    }

    [GlobalCleanup]
    public void Dispose()
    {
        foreach (var invoker in new[] { _bare, _chaosOff, _chaosOnElsewhere, _chaosOnTargetNotInjected, _standard, _standardWithChaosOff })
        {
            invoker.Dispose();
        }

        _request.Dispose();
        _services.Dispose();
        GC.SuppressFinalize(this);
    }

    [Benchmark(Baseline = true, Description = "no chaos handler")]
    public Task<HttpResponseMessage> Bare() => _bare.SendAsync(_request, CancellationToken.None);

    [Benchmark(Description = "chaos handler, chaos off")]
    public Task<HttpResponseMessage> ChaosOff() => _chaosOff.SendAsync(_request, CancellationToken.None);

    [Benchmark(Description = "chaos handler, chaos on another service")]
    public Task<HttpResponseMessage> ChaosOnElsewhere() => _chaosOnElsewhere.SendAsync(_request, CancellationToken.None);

    [Benchmark(Description = "chaos handler, failure chaos on this service at rate 0")]
    public async Task<HttpResponseMessage> ChaosOnTargetNotInjected()
    {
        // A request of its own each time: the handler tags it with the experiment's header.
        using var request = new HttpRequestMessage(HttpMethod.Get, Target);
        return await _chaosOnTargetNotInjected.SendAsync(request, CancellationToken.None);
    }

    [Benchmark(Description = "standard resilience pipeline")]
    public Task<HttpResponseMessage> Standard() => _standard.SendAsync(_request, CancellationToken.None);

    [Benchmark(Description = "standard pipeline + chaos handler, chaos off")]
    public Task<HttpResponseMessage> StandardWithChaosOff() => _standardWithChaosOff.SendAsync(_request, CancellationToken.None);

    private static ChaosHandler ChaosHandler(ChaosExperiment[] experiments)
    {
        // Frozen time: with the system clock the cache turns stale after Chaos:StaleAfter (15 s) and every later
        // iteration would measure the fail-safe early exit instead of the lookup.
        var cache = new ChaosStateCache(Options.Create(new ChaosOptions()), FrozenTime.Instance);
        cache.Apply(experiments);
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        return new ChaosHandler(cache, new ChaosPipelineProvider(TimeProvider.System, ChaosRandomizer.Shared), new ChaosClientMetrics(meters), new ChaosHealthCounters())
        {
            InnerHandler = new InMemoryHandler(),
        };
    }

    /// <summary>Answers every request with one cached response task: the benchmark measures only the handlers.</summary>
    private sealed class InMemoryHandler : HttpMessageHandler
    {
        private static readonly Task<HttpResponseMessage> Ok = Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => Ok;
    }

    private sealed class FrozenTime : TimeProvider
    {
        public static readonly FrozenTime Instance = new();
        private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => _now;
    }
}
