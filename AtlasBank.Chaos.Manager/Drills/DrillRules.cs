using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>What a drill is checked against: the chaos API's limits and target allowlist, and the drills' own bounds.</summary>
public sealed record DrillRules(ChaosManagerOptions Limits, ChaosTargetAllowlist Targets, DrillOptions Options);
