using System.ComponentModel.DataAnnotations;
using AtlasBank.Chaos.Contracts.Ledger;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Bound from <c>Replication</c>: the subscription DR reports on (the provisioning creates it).</summary>
public sealed class ReplicationOptions
{
    public const string SectionName = "Replication";
    public const string PublisherConnectionName = "ledgerdb-publisher";

    [Required, RegularExpression("^[a-z_][a-z0-9_]{0,62}$")]
    public string SubscriptionName { get; set; } = LedgerReplication.SubscriptionName;
}
