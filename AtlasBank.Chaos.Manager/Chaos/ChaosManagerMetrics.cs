using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// The spec's metrics. Counters count this replica's inject calls (Prometheus sums replicas); the success rate
/// is the shared one from Redis, refreshed whenever statistics are read or written.
/// </summary>
public sealed class ChaosManagerMetrics
{
    private readonly Counter<long> _injections;
    private readonly Counter<long> _failedInjections;
    private volatile IReadOnlyList<ChaosStats> _latest = [];

    public ChaosManagerMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _injections = meter.CreateCounter<long>("chaos_injections_total", description: "Inject calls made by the chaos manager.");
        _failedInjections = meter.CreateCounter<long>("chaos_injections_failed_total", description: "Inject calls whose target call failed in the end.");
        meter.CreateObservableGauge("chaos_success_rate", ObserveSuccessRates, description: "Share of inject calls that succeeded, per service (all replicas).");
    }

    public void Injected(InjectResult result)
    {
        var tags = Tags(result.Service, ModeName(result.Mode));
        _injections.Add(1, tags);
        if (!result.Success)
        {
            _failedInjections.Add(1, tags);
        }
    }

    public void Update(IReadOnlyList<ChaosStats> services) => _latest = services;

    public static string ModeName(ChaosMode mode) =>
        mode == ChaosMode.Latency ? "latency" : "failure";

    private IEnumerable<Measurement<double>> ObserveSuccessRates() =>
        _latest.Select(stats => new Measurement<double>(stats.SuccessRate, Tags(stats.Service, stats.Mode ?? "unknown")));

    private static KeyValuePair<string, object?>[] Tags(string service, string mode) =>
        [new("service", service), new("mode", mode)];
}
