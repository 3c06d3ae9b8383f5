using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>What a run has gathered besides steps and checks, kept with the run (saved at every lease renewal and at its end).</summary>
public sealed record DrillRunEvidence(
    IReadOnlyList<ChaosBand> ChaosBands,
    IReadOnlyList<WorkloadSecond> Timeline,
    WorkloadSummary? Workload,
    IReadOnlyList<InvariantResult> Invariants,
    double? DrConvergenceSeconds,
    AuditHead? AuditHeadAtStart,
    AuditHead? AuditHeadAtEnd,
    FailoverRecord? Failover = null,
    FailoverRecord? Failback = null)
{
    public static readonly DrillRunEvidence None = new([], [], null, [], null, null, null);
}
