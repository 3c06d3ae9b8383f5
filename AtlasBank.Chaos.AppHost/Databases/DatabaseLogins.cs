namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// The services' own database logins, one least-privilege role each; a service references its login under the
/// connection name it always used (<c>ledgerdb</c>, <c>ledgerdb-publisher</c>, <c>chaosdb</c>). Both regions' ledgers
/// log in as <c>ledger_app</c>, each on its own server (<see cref="LedgerApp"/>, <see cref="LedgerDrApp"/>); the
/// manager's failover controller has a login on each (<see cref="LedgerController"/>, <see cref="LedgerDrController"/>).
/// The replication login has no resource: nobody but region B's server uses it (<see cref="ReplicatorPassword"/>).
/// The database resources themselves stay the superuser's, for the provisioning and the tests.
/// </summary>
public sealed record DatabaseLogins(
    IResourceBuilder<PostgresRoleResource> LedgerApp,
    IResourceBuilder<PostgresRoleResource> LedgerDrApp,
    IResourceBuilder<PostgresRoleResource> LedgerMonitor,
    IResourceBuilder<PostgresRoleResource> ChaosManager,
    IResourceBuilder<PostgresRoleResource> LedgerAuditor,
    IResourceBuilder<PostgresRoleResource> LedgerDrAuditor,
    IResourceBuilder<PostgresRoleResource> LedgerController,
    IResourceBuilder<PostgresRoleResource> LedgerDrController,
    ParameterResource ReplicatorPassword);
