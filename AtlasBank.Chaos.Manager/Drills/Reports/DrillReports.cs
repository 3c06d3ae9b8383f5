using AtlasBank.Chaos.Manager.Drills.Runs;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>A run and its evidence as one report.</summary>
public static class DrillReports
{
    public static DrillReport Of(DrillRun run, DrillRunEvidence evidence, DrillDefinition? drill) => new(
        run.RunId, run.Drill, drill?.Title ?? run.Drill, drill?.Objective ?? string.Empty, run.Target, run.StartedBy, run.Parameters,
        run.State, run.Reason, run.CreatedAt, run.StartedAt, run.EndedAt, run.Steps, run.Checks,
        evidence.ChaosBands, evidence.Timeline, evidence.Workload, evidence.Invariants, evidence.DrConvergenceSeconds,
        evidence.AuditHeadAtStart, evidence.AuditHeadAtEnd, evidence.Failover, evidence.Failback);
}
