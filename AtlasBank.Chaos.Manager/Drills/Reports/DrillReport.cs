using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// The evidence of one run (<c>GET /drills/runs/{id}/report</c>, and drawn by <c>DrillReportHtml</c>): the
/// drill, who ran it, when and with what; the timeline; the hypothesis before, during and after; the invariants;
/// the verdict and why; and the audit chain's head at start and end, which ties the report to the tamper-evident
/// record. A run that failed over adds the failover (RTO in four numbers, RPO with the stranded transfers, the fence)
/// and the failback (reconciliation, checksums). Complete once <c>State</c> is a verdict; while the run goes on it holds
/// the evidence so far.
/// </summary>
public sealed record DrillReport(
    string RunId,
    string Drill,
    string Title,
    string Objective,
    string Target,
    string? StartedBy,
    DrillRunParameters Parameters,
    string State,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? EndedAt,
    IReadOnlyList<DrillStepRecord> Steps,
    IReadOnlyList<DrillCheckRecord> Checks,
    IReadOnlyList<ChaosBand> ChaosBands,
    IReadOnlyList<WorkloadSecond> Timeline,
    WorkloadSummary? Workload,
    IReadOnlyList<InvariantResult> Invariants,
    double? DrConvergenceSeconds,
    AuditHead? AuditHeadAtStart,
    AuditHead? AuditHeadAtEnd,
    FailoverRecord? Failover = null,
    FailoverRecord? Failback = null);
