using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// <c>dr_failover_total</c> (by kind, from, to, outcome; from zero), and the last failover's <c>dr_rto_seconds{phase}</c>
/// (detection, promotion, first_write, throughput) and <c>dr_rpo_transactions</c>, as this replica measured them.
/// </summary>
public sealed class DrMetrics
{
    private readonly Counter<long> _failovers;
    private readonly Lock _gate = new();
    private FailoverRecord? _last;

    public DrMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _failovers = meter.CreateCounter<long>("dr_failover_total",
            description: "Failovers and failbacks run by this replica, by kind, from and to region, and outcome (completed, failed, refused).");
        meter.CreateObservableGauge("dr_rto_seconds", ObserveRto,
            description: "The last failover's recovery time from the fault's start, by phase: detection, promotion, first_write, throughput (back to 90 %).");
        meter.CreateObservableGauge("dr_rpo_transactions", ObserveRpo,
            description: "The last failover's data loss: transfers the old region acknowledged that the new one lacked at promotion.");

        // From zero for every move there is (a failover either way, a failback home), so increase() sees the first.
        var moves = DrRegions.All.Select(from => (Kind: FailoverKinds.Failover, From: from, To: DrRegions.Other(from)))
            .Concat(DrRegions.All.Where(from => from != DrRegions.Home).Select(from => (Kind: FailoverKinds.Failback, From: from, To: DrRegions.Home)));
        foreach (var (kind, from, to) in moves)
        {
            foreach (var outcome in new[] { FailoverStates.Completed, FailoverStates.Failed, FailoverStates.Refused })
            {
                _failovers.Add(0, new("kind", kind), new("from", from), new("to", to), new("outcome", outcome));
            }
        }
    }

    public void Ended(FailoverRecord record)
    {
        _failovers.Add(1, new("kind", record.Kind), new("from", record.FromRegion), new("to", record.ToRegion), new("outcome", record.State));
        Measured(record);
    }

    /// <summary>A failover's numbers grew (a drill measured its first write and throughput after the failover ended).</summary>
    public void Measured(FailoverRecord record)
    {
        if (record.Kind != FailoverKinds.Failover || record.State != FailoverStates.Completed)
        {
            return;
        }

        lock (_gate)
        {
            _last = record;
        }
    }

    private IEnumerable<Measurement<double>> ObserveRto()
    {
        FailoverRecord? last;
        lock (_gate)
        {
            last = _last;
        }

        if (last is null)
        {
            yield break;
        }

        foreach (var (phase, seconds) in new[]
                 {
                     ("detection", last.RtoDetectionSeconds), ("promotion", last.RtoPromotionSeconds),
                     ("first_write", last.RtoFirstWriteSeconds), ("throughput", last.RtoThroughputSeconds),
                 })
        {
            if (seconds is { } value)
            {
                yield return new(value, new KeyValuePair<string, object?>("phase", phase));
            }
        }
    }

    private IEnumerable<Measurement<long>> ObserveRpo()
    {
        lock (_gate)
        {
            return _last is null ? [] : [new(_last.RpoTransactions)];
        }
    }
}
