namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>The emergency halt: while engaged, no experiment can be enabled.</summary>
public sealed record ChaosHalt(string EngagedBy, DateTimeOffset EngagedAt, string? Reason);
