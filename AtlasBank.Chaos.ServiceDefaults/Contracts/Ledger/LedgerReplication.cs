namespace AtlasBank.Chaos.Contracts.Ledger;

/// <summary>
/// The logical replication from the primary ledger database to DR's: created by the provisioning, observed by the
/// DR ledger (<c>/dr/status</c>) under these names.
/// </summary>
public static class LedgerReplication
{
    /// <summary>The primary's publication of <see cref="LedgerSchema.ReplicatedTables"/>.</summary>
    public const string PublicationName = "ledger_pub";

    /// <summary>DR's subscription to it; also its replication slot on the primary and its <c>application_name</c>.</summary>
    public const string SubscriptionName = "ledger_dr_sub";
}
