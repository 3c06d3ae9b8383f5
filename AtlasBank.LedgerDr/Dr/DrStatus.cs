namespace AtlasBank.LedgerDr.Dr;

/// <summary>Where DR stands against the primary. Null fields are unknown (e.g. the primary is unreachable).</summary>
/// <param name="TablesSyncing">Tables still in their initial copy; 0 once every table streams changes.</param>
/// <param name="LagBytes">WAL the primary has written that DR has not confirmed.</param>
/// <param name="ReplayLagMs">The primary's measure of how long its last change took to be applied on DR.</param>
/// <param name="Healthy">DR's verdict on its replication (<see cref="ReplicationHealthRule"/>); null on the primary.</param>
/// <param name="UnhealthyReason">The first rule broken, e.g. <c>subscription disabled</c>; null when healthy.</param>
public sealed record DrStatus(
    string Role,
    string? Subscription,
    bool SubscriptionExists,
    bool SubscriptionEnabled,
    int? TablesSyncing,
    string? ReceivedLsn,
    string? LatestEndLsn,
    DateTimeOffset? LastMessageReceivedAt,
    DateTimeOffset? LatestEndTime,
    bool PublisherReachable,
    string? PublisherLsn,
    long? LagBytes,
    double? ReplayLagMs,
    DateTimeOffset CheckedAt,
    bool? Healthy = null,
    string? UnhealthyReason = null);
