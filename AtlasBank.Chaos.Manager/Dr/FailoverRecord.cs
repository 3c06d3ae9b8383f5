using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// One failover or failback, as answered by <c>POST /dr/failover</c> and kept in Redis: who moved the writer from
/// where to where, whether the old writer was fenced, what was lost (RPO) and how long recovery took (RTO).
/// </summary>
public sealed record FailoverRecord
{
    public required string FailoverId { get; init; }

    /// <summary><see cref="FailoverKinds"/>.</summary>
    public required string Kind { get; init; }

    public required string FromRegion { get; init; }

    public required string ToRegion { get; init; }

    /// <summary>
    /// running, completed, failed (undone), refused (409: nothing changed that stays changed), or rolled-back (its
    /// coordinator died before the point of no return and the replica that took it over undid it).
    /// </summary>
    public required string State { get; init; }

    public string? Reason { get; init; }

    /// <summary>The replica that finished or undid it after its coordinator died (or lost its lease); null when its coordinator did.</summary>
    public string? TakenOverBy { get; init; }

    public DateTimeOffset? TakenOverAt { get; init; }

    /// <summary>The step its coordinator had recorded last when the replica named in <see cref="TakenOverBy"/> took over.</summary>
    public string? TakenOverAtStep { get; init; }

    /// <summary>Seconds waited after each step was recorded (a rehearsal's slow motion); 0 normally.</summary>
    public int StepPauseSeconds { get; init; }

    public string? Error { get; init; }

    public string? StartedBy { get; init; }

    public DateTimeOffset? FaultStartedAt { get; init; }

    public DateTimeOffset? DetectedAt { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the new writer took writes (routing switched).</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>The first transfer acknowledged through the logical name after the switch (drills measure it).</summary>
    public DateTimeOffset? FirstWriteAt { get; init; }

    /// <summary>When acknowledged transfers a second were back to at least 90 % of before the fault (drills measure it).</summary>
    public DateTimeOffset? ThroughputRecoveredAt { get; init; }

    /// <summary>True once writes on the old writer are known impossible: its database revoked them, or its ledger confirmed it refuses them.</summary>
    public bool Fenced { get; init; }

    public string? FenceDetail { get; init; }

    public bool FromDatabaseReachable { get; init; }

    public bool? FromLedgerConfirmedFence { get; init; }

    public string? FromLsnAtFence { get; init; }

    public long? FromTransfersAtFence { get; init; }

    /// <summary>WAL the old writer had written that the new one had not confirmed when the fault was handled.</summary>
    public long? LagBytesAtFault { get; init; }

    /// <summary>The same, once the new writer had its chance to catch up: what promoting it would leave behind.</summary>
    public long? LagBytesAtPromotion { get; init; }

    /// <summary>Whether what promotion loses was measured: the old writer's database was compared, or sync mode acknowledged nothing DR lacked.</summary>
    public bool LossKnown { get; init; }

    /// <summary>The caller accepted losing data (<c>"AcceptDataLoss": true</c>).</summary>
    public bool AcceptedDataLoss { get; init; }

    /// <summary>async, sync, or unknown (the old writer's database could not be asked and was never seen).</summary>
    public string Mode { get; init; } = "unknown";

    /// <summary>Transfers the old writer acknowledged that the new one lacked at promotion.</summary>
    public int RpoTransactions { get; init; }

    public decimal RpoAmount { get; init; }

    public IReadOnlyList<Guid> RpoTransferIds { get; init; } = [];

    /// <summary>Where the RPO comes from: database (both regions compared; in sync mode each transfer's row says whether its commit waited for DR), workload (a drill's acknowledgements), or unknown. (synchronous: records made before the rows said so.)</summary>
    public string RpoSource { get; init; } = "unknown";

    /// <summary>Every transfer the old writer committed that the new one lacked at promotion, each saying whether it was acknowledged: the ones to re-apply.</summary>
    public IReadOnlyList<StrandedTransfer> Stranded { get; init; } = [];

    /// <summary>Committed on the old writer but never acknowledged: its commit waited for DR (sync mode), which never confirmed it.</summary>
    public IReadOnlyList<Guid> UnacknowledgedTransferIds { get; init; } = [];

    public IReadOnlyList<ReconciledTransfer> Reconciliation { get; init; } = [];

    /// <summary>Failback: what the old writer holds that the writer could not be given; while any is left, nothing is rebuilt.</summary>
    public IReadOnlyList<ReconciledTransfer> Unreconciled { get; init; } = [];

    /// <summary>Failback: accounts the old writer held alone, created in the writer (empty) before their transfers were reconciled.</summary>
    public IReadOnlyList<Guid> RestoredAccountIds { get; init; } = [];

    /// <summary>Failback: both regions' ledger checksums were equal before writes resumed.</summary>
    public bool? ChecksumsEqual { get; init; }

    public string? Checksum { get; init; }

    public double? RtoDetectionSeconds => Seconds(FaultStartedAt, DetectedAt);

    public double? RtoPromotionSeconds => Seconds(FaultStartedAt ?? StartedAt, CompletedAt);

    public double? RtoFirstWriteSeconds => Seconds(FaultStartedAt ?? StartedAt, FirstWriteAt);

    public double? RtoThroughputSeconds => Seconds(FaultStartedAt ?? StartedAt, ThroughputRecoveredAt);

    private static double? Seconds(DateTimeOffset? from, DateTimeOffset? to) =>
        from is { } start && to is { } end ? Math.Round(Math.Max(0, (end - start).TotalSeconds), 3) : null;
}

public static class FailoverKinds
{
    public const string Failover = "failover";
    public const string Failback = "failback";
}

public static class FailoverStates
{
    public const string Running = "running";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Refused = "refused";
    public const string RolledBack = "rolled-back";
}
