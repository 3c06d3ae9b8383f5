namespace AtlasBank.Chaos.Manager.Drills.Runs;

public sealed record DrillRunList(int Count, IReadOnlyList<DrillRunSummary> Runs);
