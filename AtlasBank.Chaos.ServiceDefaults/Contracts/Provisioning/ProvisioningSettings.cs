namespace AtlasBank.Chaos.Contracts.Provisioning;

/// <summary>
/// The provisioning's configuration as the AppHost hands it over (and a deployment, from the manifest): a superuser
/// connection string per server, every login's password, and where region B's server finds region A's.
/// </summary>
public static class ProvisioningSettings
{
    /// <summary>Connection names of the three servers, as their superuser.</summary>
    public const string LedgerServerA = "postgres";
    public const string LedgerServerB = "postgres-dr";
    public const string ChaosServer = "postgres-chaos";

    /// <summary>The databases on them.</summary>
    public const string LedgerDatabase = "ledgerdb";
    public const string ChaosDatabase = "chaosdb";

    public const string Section = "Provisioning";

    /// <summary>Environment variable prefix of the passwords, one per login (<see cref="Logins"/>).</summary>
    public const string PasswordsVariablePrefix = "Provisioning__Passwords__";

    /// <summary>The host and port region B's server connects to for its subscription to region A.</summary>
    public const string PublisherHostVariable = "Provisioning__Publisher__Host";
    public const string PublisherPortVariable = "Provisioning__Publisher__Port";

    /// <summary>Whether region A's commits wait for region B (<c>Dr:SynchronousReplication</c>), applied on first provisioning only.</summary>
    public const string SynchronousReplicationVariable = "Provisioning__SynchronousReplication";

    /// <summary>
    /// The libpq service file in region B's data directory (its server's <c>PGSERVICEFILE</c>): host, port, user and
    /// password of the subscription's connection to region A, so no secret is in <c>pg_subscription</c>, a function's
    /// source or a log. Written by the provisioning through its superuser connection; the data directory is the
    /// server's alone.
    /// </summary>
    public const string ReplicationServiceFile = "atlasbank-replication.conf";

    public const string ServiceFileVariable = "PGSERVICEFILE";

    /// <summary>The logins, each a password setting under <see cref="PasswordsVariablePrefix"/>.</summary>
    public static class Logins
    {
        public const string LedgerAppA = "LedgerAppA";
        public const string LedgerAppB = "LedgerAppB";
        public const string LedgerMonitor = "LedgerMonitor";
        public const string LedgerReplicator = "LedgerReplicator";
        public const string LedgerAuditorA = "LedgerAuditorA";
        public const string LedgerAuditorB = "LedgerAuditorB";
        public const string DrControllerA = "DrControllerA";
        public const string DrControllerB = "DrControllerB";
        public const string ChaosManager = "ChaosManager";
    }
}
