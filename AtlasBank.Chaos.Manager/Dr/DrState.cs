namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// <c>GET /dr/state</c>: the routing as every process follows it, the replication mode, whether a failover or
/// failback is going on, and the last failover's answer (its fields at the top, as the failover answers them) and
/// the last failback. <c>DrReplicating</c> is false, with <c>DrReplicationIssue</c> saying why, whenever no region
/// replicates from the writer (a stale copy after a failover, a paused subscription, a database that does not answer).
/// </summary>
public sealed record DrState(
    string ActiveRegion,
    long Epoch,
    bool Switching,
    DateTimeOffset ChangedAt,
    string Mode,
    string? InProgress,
    string? FailoverId,
    string? FromRegion,
    string? ToRegion,
    DateTimeOffset? StartedAt,
    DateTimeOffset? CompletedAt,
    bool? Fenced,
    int? RpoTransactions,
    decimal? RpoAmount,
    IReadOnlyList<Guid>? RpoTransferIds,
    long? LagBytesAtFault,
    double? RtoPromotionSeconds,
    bool DrReplicating,
    string? DrReplicationIssue,
    FailoverRecord? LastFailover,
    FailoverRecord? LastFailback);
