namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>A run whose owner let its lease run out, now claimed by this replica to roll it back.</summary>
public sealed record OrphanedRun(string RunId, string Drill, string Target, string? StartedBy, string PreviousOwner, IReadOnlyList<string> EnabledServices);
