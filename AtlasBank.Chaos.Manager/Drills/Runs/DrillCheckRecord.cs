namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// One evaluation of one hypothesis probe: <c>Phase</c> is <c>before</c>, <c>during</c> or <c>after</c>;
/// <c>Outcome</c> is <c>held</c>, <c>violated</c>, or <c>skipped</c> (nothing to measure yet, e.g. the workload
/// has not started). <c>Detail</c> gives the measured value against the tolerance.
/// </summary>
public sealed record DrillCheckRecord(DateTimeOffset At, string Phase, string Probe, string Kind, string Outcome, string Detail);
