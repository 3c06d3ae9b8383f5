namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// One step as it ran: <c>Phase</c> is <c>method</c> or <c>rollback</c>; <c>Outcome</c> is <c>done</c>,
/// <c>failed</c> (with <c>Detail</c>) or <c>skipped</c> (the run stopped before it).
/// </summary>
public sealed record DrillStepRecord(
    int Index, string Phase, string Kind, string Description, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, string Outcome, string? Detail);
