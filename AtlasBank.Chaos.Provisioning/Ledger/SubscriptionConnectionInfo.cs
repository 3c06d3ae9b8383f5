using AtlasBank.Chaos.Contracts.Ledger;

namespace AtlasBank.Chaos.Provisioning.Ledger;

/// <summary>
/// The libpq connection string of region B's subscription to region A: a service name and the standby's name, nothing
/// more. Host, port, database, user and password are in the service file (<see cref="ReplicationServiceFile"/>), so
/// <c>pg_subscription</c>, <c>dr.subscribe()</c>'s source and every log hold no secret and no address.
/// </summary>
public static class SubscriptionConnectionInfo
{
    /// <summary>The service's section in the file: the subscription's own name.</summary>
    public const string ServiceName = LedgerReplication.SubscriptionName;

    /// <summary>
    /// <c>application_name</c> is the standby's name in region A's <c>synchronous_standby_names</c>, so it is said
    /// here and not left to the file.
    /// </summary>
    public const string Value = $"service={ServiceName} application_name={LedgerReplication.SubscriptionName}";
}
