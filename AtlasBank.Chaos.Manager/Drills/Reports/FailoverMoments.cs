using AtlasBank.Chaos.Manager.Dr;
using static AtlasBank.Chaos.Manager.Drills.Reports.ReportFormat;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>One moment of a failover or failback the timeline marks with a vertical line and a short label.</summary>
/// <param name="Name">A class name for the marker (<c>fault</c>, <c>detected</c>, <c>promoted</c>, <c>first-write</c>, <c>throughput</c>, <c>failed-back</c>).</param>
/// <param name="Failed">The moment a failover or failback ended without moving the writer.</param>
internal sealed record FailoverMarker(string Name, DateTimeOffset At, string Label, string Detail, bool Failed);

/// <summary>A stretch of the writer's story: the writer moving between regions (<c>switch</c>) or the failed-over region serving (<c>serving</c>).</summary>
/// <param name="To">Null while it goes on at the end of the evidence.</param>
internal sealed record WriterSegment(string Kind, DateTimeOffset From, DateTimeOffset? To, string Label, string Detail, bool Failed);

/// <summary>
/// What the timeline draws of a run's failover and failback, read from the two records: the moments (fault, detection,
/// promotion, first write, throughput back, the failback's switch) and the stretches (the writer moving, the other
/// region serving). Moments a record lacks are left out; the failover section says why.
/// </summary>
internal static class FailoverMoments
{
    public const string Switch = "switch";
    public const string Serving = "serving";

    public static bool Any(DrillReport report) => report.Failover is not null || report.Failback is not null;

    public static IReadOnlyList<FailoverMarker> Markers(DrillReport report, DateTimeOffset origin)
    {
        var markers = new List<FailoverMarker>();
        if (report.Failover is { } failover)
        {
            if (failover.FaultStartedAt is { } fault)
            {
                markers.Add(new("fault", fault, "fault", $"fault started at {Offset(fault, origin)}: the RTO clock starts", false));
            }

            if (failover.DetectedAt is { } detected)
            {
                markers.Add(new("detected", detected, "detected",
                    $"{failover.FromRegion} found down at {Offset(detected, origin)}{Rto(failover.RtoDetectionSeconds)}", false));
            }

            if (failover.CompletedAt is { } completed)
            {
                markers.Add(failover.State == FailoverStates.Failed
                    ? new("promoted", completed, "failover failed", $"the failover ended at {Offset(completed, origin)} without promoting {failover.ToRegion}: {failover.Error}", true)
                    : new("promoted", completed, "promoted",
                        $"{failover.ToRegion} promoted and the routing switched at {Offset(completed, origin)}{Rto(failover.RtoPromotionSeconds)}", false));
            }

            if (failover.FirstWriteAt is { } firstWrite)
            {
                markers.Add(new("first-write", firstWrite, "first write",
                    $"first transfer acknowledged through the logical name after the switch at {Offset(firstWrite, origin)}{Rto(failover.RtoFirstWriteSeconds)}", false));
            }

            if (failover.ThroughputRecoveredAt is { } recovered)
            {
                markers.Add(new("throughput", recovered, "90 % throughput",
                    $"acknowledged transfers a second back to 90 % of before the fault at {Offset(recovered, origin)}{Rto(failover.RtoThroughputSeconds)}", false));
            }
        }

        if (report.Failback is { CompletedAt: { } switched } failback)
        {
            markers.Add(failback.State == FailoverStates.Failed
                ? new("failed-back", switched, "failback failed", $"the failback ended at {Offset(switched, origin)} with {failback.FromRegion} still the writer: {failback.Error}", true)
                : new("failed-back", switched, $"back on {failback.ToRegion}", $"{failback.ToRegion} took writes again at {Offset(switched, origin)}", false));
        }

        return markers;
    }

    public static IReadOnlyList<WriterSegment> Segments(DrillReport report, DateTimeOffset origin)
    {
        var segments = new List<WriterSegment>();
        var failover = report.Failover;
        var failback = report.Failback;
        if (failover is not null)
        {
            var from = failover.FaultStartedAt ?? failover.StartedAt;
            var failed = failover.State == FailoverStates.Failed;
            segments.Add(new(Switch, from, failover.CompletedAt, $"{failover.FromRegion} → {failover.ToRegion}{(failed ? " failed" : string.Empty)}",
                $"failover {failover.FromRegion} → {failover.ToRegion}: from {Offset(from, origin)} (fault) to {Until(failover.CompletedAt, origin)} (promoted); {failover.State}", failed));
        }

        if (failover is { State: FailoverStates.Completed, CompletedAt: { } promoted })
        {
            var until = failback?.StartedAt;
            segments.Add(new(Serving, promoted, until, $"{failover.ToRegion} writes",
                $"{failover.ToRegion} is the writer from {Offset(promoted, origin)} to {Until(until, origin)}", false));
        }

        if (failback is not null)
        {
            var failed = failback.State == FailoverStates.Failed;
            segments.Add(new(Switch, failback.StartedAt, failback.CompletedAt, $"{failback.FromRegion} → {failback.ToRegion}{(failed ? " failed" : string.Empty)}",
                $"failback {failback.FromRegion} → {failback.ToRegion}: from {Offset(failback.StartedAt, origin)} to {Until(failback.CompletedAt, origin)}; {failback.State}", failed));
            if (failed && failback.CompletedAt is { } ended)
            {
                segments.Add(new(Serving, ended, null, $"{failback.FromRegion} writes", $"{failback.FromRegion} is still the writer from {Offset(ended, origin)} on", false));
            }
        }

        return segments;
    }

    /// <summary>The stretch the failed-over region was in charge of the writes (serving, or paused while the failback rebuilt home).</summary>
    public static (DateTimeOffset From, DateTimeOffset? To)? OtherRegionPeriod(DrillReport report) =>
        report.Failover is { State: FailoverStates.Completed, CompletedAt: { } promoted }
            ? (promoted, report.Failback is { State: FailoverStates.Completed, CompletedAt: { } home } ? home : null)
            : null;

    private static string Rto(double? seconds) => seconds is { } value ? $" (RTO {Number(value, "0.###")} s)" : string.Empty;

    private static string Until(DateTimeOffset? at, DateTimeOffset origin) => at is { } value ? Offset(value, origin) : "the end of the evidence";
}
