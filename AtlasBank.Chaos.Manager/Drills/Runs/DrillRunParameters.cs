namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>What a run ran with: the drill's defaults after the run's overrides.</summary>
/// <param name="RatePerSecond">The workload's rate when overridden; null: each workload step's own.</param>
public sealed record DrillRunParameters(int DurationSeconds, int? RatePerSecond);
