namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>When the run's chaos on one service was on: from its enable step to its disable (null: still on).</summary>
public sealed record ChaosBand(string Service, string Mode, DateTimeOffset From, DateTimeOffset? To);
