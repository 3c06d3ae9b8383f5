using System.ComponentModel.DataAnnotations;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Bound from <c>Replication</c>: how the DR database subscribes to the primary's publication.</summary>
public sealed class ReplicationOptions
{
    public const string SectionName = "Replication";
    public const string PublisherConnectionName = "ledgerdb-publisher";

    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string PublicationName { get; set; } = "ledger_pub";

    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string SubscriptionName { get; set; } = "ledger_dr_sub";

    /// <summary>
    /// Host the DR PostgreSQL server uses to reach the primary, when it differs from the one the services use
    /// (containers reach each other by resource name). Null: the publisher connection string's host.
    /// </summary>
    public string? PublisherHost { get; set; }

    [Range(1, 65535)]
    public int? PublisherPort { get; set; }
}
