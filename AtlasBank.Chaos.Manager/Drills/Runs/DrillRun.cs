namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// A run as <c>GET /drills/runs/{RunId}</c> shows it: its state and why, what it ran with, who started it, which
/// manager replica owns it (its lease), the chaos it has on, and the steps and checks so far.
/// </summary>
public sealed record DrillRun(
    string RunId,
    string Drill,
    string Target,
    string State,
    string? Reason,
    DrillRunParameters Parameters,
    string? StartedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    string Owner,
    DateTimeOffset LeaseExpiresAt,
    IReadOnlyList<string> EnabledServices,
    IReadOnlyList<DrillStepRecord> Steps,
    IReadOnlyList<DrillCheckRecord> Checks);
