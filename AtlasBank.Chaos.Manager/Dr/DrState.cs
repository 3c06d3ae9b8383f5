namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// <c>GET /dr/state</c>: the routing as every process follows it, the replication mode, whether a failover or
/// failback is going on, and the last failover's answer (its fields at the top, as the failover answers them) and
/// the last failback.
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
    FailoverRecord? LastFailover,
    FailoverRecord? LastFailback);
