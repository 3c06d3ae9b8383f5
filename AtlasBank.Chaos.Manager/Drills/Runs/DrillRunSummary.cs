namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>One run in <c>GET /drills/runs</c>: newest first, without its steps and checks.</summary>
public sealed record DrillRunSummary(
    string RunId, string Drill, string Target, string State, string? Reason, DrillRunParameters Parameters, string? StartedBy,
    DateTimeOffset CreatedAt, DateTimeOffset? StartedAt, DateTimeOffset? EndedAt);
