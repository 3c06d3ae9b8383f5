using System.Diagnostics.Metrics;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>The spec's shadow metrics and what an operator needs beside them.</summary>
public sealed class ShadowMetrics
{
    private readonly Counter<long> _traffic;
    private readonly Counter<long> _comparisons;
    private long _dropped;
    private volatile DriftReport? _latest;

    public ShadowMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.AgentMeter);
        _traffic = meter.CreateCounter<long>("shadow_traffic_total", description: "Shadowed requests this agent replayed against DR.");
        _comparisons = meter.CreateCounter<long>("shadow_comparisons_total", description: "Comparisons by verdict (match, drift, lag, error, chaos).");
        meter.CreateObservableCounter("shadow_dropped_total", () => Interlocked.Read(ref _dropped), description: "Samples the primary dropped (buffer full or Redis away), all replicas.");
        meter.CreateObservableGauge("drift_detection_rate", () => _latest?.DriftAboveNoise ?? 0, description: "Drift rate above the noise floor in the last validation window.");
        meter.CreateObservableGauge("shadow_replication_alert", () => _latest is { ReplicationAlert: true } ? 1 : 0, description: "1 while the last validation raised the replication alert (DR unhealthy, or lag and error dominate).");
        meter.CreateObservableGauge("shadow_noise_floor", () => _latest?.NoiseFloor ?? 0, description: "How often the primary disagreed with itself on a replayed request.");
    }

    public void Compared(ShadowComparison comparison)
    {
        _traffic.Add(1);
        _comparisons.Add(1, new KeyValuePair<string, object?>("verdict", comparison.Verdict));
    }

    public void Update(DriftReport? latest, long dropped)
    {
        _latest = latest;
        Interlocked.Exchange(ref _dropped, dropped);
    }
}
