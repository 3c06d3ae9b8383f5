using System.Diagnostics.Metrics;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>The drills' metrics: runs by verdict, runs going on, invariant violations, workload requests by outcome.</summary>
public sealed class DrillMetrics
{
    private readonly Counter<long> _runs;
    private readonly UpDownCounter<long> _running;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _requests;

    public DrillMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _runs = meter.CreateCounter<long>("drill_runs_total", description: "Drill runs ended on this replica, by drill and verdict (passed, failed, aborted).");
        _running = meter.CreateUpDownCounter<long>("drill_running", description: "Drill runs this replica owns right now, by drill.");
        _violations = meter.CreateCounter<long>("drill_invariant_violations_total", description: "Money-invariant checks that found a violation, by invariant.");
        _requests = meter.CreateCounter<long>("drill_workload_requests_total", description: "Drill workload transfer requests, by outcome (acknowledged, rejected, unknown).");
    }

    public void Started(string drill) => _running.Add(1, new KeyValuePair<string, object?>("drill", drill));

    public void Ended(string drill, string verdict)
    {
        _running.Add(-1, new KeyValuePair<string, object?>("drill", drill));
        _runs.Add(1, new("drill", drill), new("verdict", verdict));
    }

    /// <summary>A run another replica started and this one rolled back as an orphan: counted, never running here.</summary>
    public void OrphanEnded(string drill, string verdict) => _runs.Add(1, new("drill", drill), new("verdict", verdict));

    public void Violated(string invariant) => _violations.Add(1, new KeyValuePair<string, object?>("invariant", invariant));

    public void Request(string outcome) => _requests.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
