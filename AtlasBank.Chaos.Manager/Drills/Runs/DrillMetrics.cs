using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// The drills' metrics: runs by verdict, runs going on, invariant violations, and workload requests by outcome with
/// their latency. Runs and requests start at zero for every catalog drill and every verdict or outcome, so
/// <c>increase()</c> sees the first event after a restart.
/// </summary>
public sealed class DrillMetrics
{
    /// <summary>From 1 ms to 10 s: a healthy ledger answers in milliseconds, injected latency and timeouts take seconds.</summary>
    public static readonly IReadOnlyList<double> RequestDurationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly Counter<long> _runs;
    private readonly UpDownCounter<long> _running;
    private readonly Counter<long> _violations;
    private readonly Counter<long> _requests;
    private readonly Histogram<double> _requestDuration;

    public DrillMetrics(IMeterFactory meterFactory, DrillCatalog catalog)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _runs = meter.CreateCounter<long>("drill_runs_total", description: "Drill runs ended on this replica, by drill and verdict (passed, failed, aborted).");
        _running = meter.CreateUpDownCounter<long>("drill_running", description: "Drill runs this replica owns right now, by drill.");
        _violations = meter.CreateCounter<long>("drill_invariant_violations_total", description: "Money-invariant checks that found a violation, by invariant.");
        _requests = meter.CreateCounter<long>("drill_workload_requests_total", description: "Drill workload transfer requests, by outcome (acknowledged, rejected, unknown).");
        // No unit: the exporter would append it to a name that already says seconds.
        _requestDuration = meter.CreateHistogram("drill_workload_request_duration_seconds", unit: null,
            description: "Drill workload transfer requests' latency in seconds, from when each was due to its outcome, by outcome (acknowledged, rejected, unknown).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = RequestDurationBuckets });

        foreach (var drill in catalog.All)
        {
            _running.Add(0, new KeyValuePair<string, object?>("drill", drill.Name));
            foreach (var verdict in DrillRunStates.Verdicts)
            {
                _runs.Add(0, new("drill", drill.Name), new("verdict", verdict));
            }
        }

        foreach (var invariant in LedgerInvariantNames.All)
        {
            _violations.Add(0, new KeyValuePair<string, object?>("invariant", invariant));
        }

        foreach (var outcome in WorkloadOutcomes.All)
        {
            _requests.Add(0, new KeyValuePair<string, object?>("outcome", outcome));
        }
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

    public void Request(WorkloadRequest request)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", request.Outcome);
        _requests.Add(1, outcome);
        _requestDuration.Record(request.LatencyMs / 1_000, outcome);
    }
}
