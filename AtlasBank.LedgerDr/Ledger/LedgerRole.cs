namespace AtlasBank.LedgerDr.Ledger;

public enum LedgerRole
{
    /// <summary>Takes writes and publishes them for replication.</summary>
    Primary,

    /// <summary>Read-only copy kept in sync by logical replication until promoted.</summary>
    Dr,
}
