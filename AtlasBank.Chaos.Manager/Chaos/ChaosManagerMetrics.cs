using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// The chaos manager's metrics. Counters count this replica's calls (Prometheus sums replicas) and start at zero for
/// every known service and mode, so <c>increase()</c> sees the first event after a restart. The success rate, the
/// active experiments and the halt are the shared state in Redis, the same on every replica: refreshed by
/// <see cref="ChaosStatsRefresher"/> and right after this replica changes them.
/// </summary>
public sealed class ChaosManagerMetrics
{
    public static readonly IReadOnlyList<string> Modes = ["failure", "latency"];

    private readonly Counter<long> _injections;
    private readonly Counter<long> _failedInjections;
    private readonly Counter<long> _killSwitch;
    private readonly Lock _gate = new();
    private volatile IReadOnlyList<ChaosStats> _latest = [];
    private Dictionary<string, string> _active = new(StringComparer.Ordinal);
    private volatile bool _halted;

    public ChaosManagerMetrics(IMeterFactory meterFactory, ChaosTargetAllowlist targets)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _injections = meter.CreateCounter<long>("chaos_injections_total", description: "Inject calls (GET /chaos/inject) made by this replica, by service and mode.");
        _failedInjections = meter.CreateCounter<long>("chaos_injections_failed_total",
            description: "Inject calls in which the target failed on its own: at least one attempt that reached the target failed (what the auto-disable circuit breaker weighs). Faults chaos injected never count.");
        _killSwitch = meter.CreateCounter<long>("chaos_kill_switch_total", description: "Uses of the kill switch on this replica, by action (disable-all, halt).");
        meter.CreateObservableGauge("chaos_success_rate", ObserveSuccessRates, description: "Share of inject calls that succeeded, per service (all replicas).");
        meter.CreateObservableGauge("chaos_experiment_active", ObserveActive, description: "1 per active chaos experiment, by service and mode (all replicas).");
        meter.CreateObservableGauge("chaos_halted", () => _halted ? 1 : 0, description: "1 while the halt is engaged (all replicas), else 0.");

        foreach (var service in targets.KnownServices)
        {
            foreach (var mode in Modes)
            {
                _injections.Add(0, Tags(service, mode));
                _failedInjections.Add(0, Tags(service, mode));
            }
        }

        foreach (var action in KillSwitchActions.All)
        {
            _killSwitch.Add(0, new KeyValuePair<string, object?>("action", action));
        }
    }

    public void Injected(InjectResult result)
    {
        var tags = Tags(result.Service, ModeName(result.Mode));
        _injections.Add(1, tags);
        if (result.OrganicFailures > 0)
        {
            _failedInjections.Add(1, tags);
        }
    }

    /// <summary>One successful use of the kill switch (<see cref="KillSwitchActions"/>).</summary>
    public void KillSwitchUsed(string action) => _killSwitch.Add(1, new KeyValuePair<string, object?>("action", action));

    public void Update(IReadOnlyList<ChaosStats> services) => _latest = services;

    /// <summary>The shared state as read from Redis: every active experiment, and whether the halt is engaged.</summary>
    public void Update(IReadOnlyList<ChaosExperiment> active, bool halted)
    {
        var modes = active.ToDictionary(experiment => experiment.Service, experiment => ModeName(experiment.Mode), StringComparer.Ordinal);
        lock (_gate)
        {
            (_active, _halted) = (modes, halted);
        }
    }

    /// <summary>This replica enabled <paramref name="experiments"/>: shown at once, before the next refresh.</summary>
    public void Enabled(IEnumerable<ChaosExperiment> experiments)
    {
        lock (_gate)
        {
            var active = new Dictionary<string, string>(_active, StringComparer.Ordinal);
            foreach (var experiment in experiments)
            {
                active[experiment.Service] = ModeName(experiment.Mode);
            }

            _active = active;
        }
    }

    /// <summary>This replica disabled <paramref name="services"/>: shown at once, before the next refresh.</summary>
    public void Disabled(IEnumerable<string> services)
    {
        lock (_gate)
        {
            var active = new Dictionary<string, string>(_active, StringComparer.Ordinal);
            foreach (var service in services)
            {
                active.Remove(service);
            }

            _active = active;
        }
    }

    /// <summary>This replica engaged or lifted the halt: shown at once, before the next refresh.</summary>
    public void HaltChanged(bool engaged) => _halted = engaged;

    public static string ModeName(ChaosMode mode) =>
        mode == ChaosMode.Latency ? "latency" : "failure";

    private IEnumerable<Measurement<double>> ObserveSuccessRates() =>
        _latest.Select(stats => new Measurement<double>(stats.SuccessRate, Tags(stats.Service, stats.Mode ?? "unknown")));

    private IEnumerable<Measurement<int>> ObserveActive()
    {
        Dictionary<string, string> active;
        lock (_gate)
        {
            active = _active;
        }

        return active.Select(experiment => new Measurement<int>(1, Tags(experiment.Key, experiment.Value)));
    }

    private static KeyValuePair<string, object?>[] Tags(string service, string mode) =>
        [new("service", service), new("mode", mode)];
}
