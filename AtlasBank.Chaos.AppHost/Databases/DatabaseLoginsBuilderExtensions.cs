using AtlasBank.Chaos.AppHost.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.AppHost.Databases;

public static class DatabaseLoginsBuilderExtensions
{
    /// <summary>
    /// Adds a login per service and, in run mode, the provisioning that makes them real: roles, the tables
    /// (owned by NOLOGIN roles), grants, the publication and DR's subscription, the failover controller's <c>dr</c>
    /// functions and the replication mode (<c>Dr:SynchronousReplication</c>) — done by the AppHost, which alone holds
    /// the superuser passwords; the services run no DDL. Every password is a secret parameter
    /// (<c>{login}-password</c>), generated when unset.
    /// </summary>
    public static DatabaseLogins AddDatabaseLogins(this IDistributedApplicationBuilder builder, DataServices data)
    {
        var ledgerApp = builder.AddLogin("ledgerdb-app", DatabaseRoleNames.LedgerApp, data.LedgerDb);
        var ledgerMonitor = builder.AddLogin("ledgerdb-monitor", DatabaseRoleNames.LedgerMonitor, data.LedgerDb);
        // Region B's ledger logs in as the same role on its own server: it writes only once a failover grants it.
        var ledgerDrApp = builder.AddLogin("ledgerdb-dr-app", DatabaseRoleNames.LedgerApp, data.LedgerDrDb);
        var chaosManager = builder.AddLogin("chaosdb-manager", DatabaseRoleNames.ChaosManager, data.ChaosDb);
        // The drills' invariant checker reads both ledgers' databases directly, read-only.
        var ledgerAuditor = builder.AddLogin("ledgerdb-auditor", DatabaseRoleNames.LedgerAuditor, data.LedgerDb);
        var ledgerDrAuditor = builder.AddLogin("ledgerdb-dr-auditor", DatabaseRoleNames.LedgerAuditor, data.LedgerDrDb);
        // The manager's failover controller, on each region's server.
        var ledgerController = builder.AddLogin("ledgerdb-controller", DatabaseRoleNames.DrController, data.LedgerDb);
        var ledgerDrController = builder.AddLogin("ledgerdb-dr-controller", DatabaseRoleNames.DrController, data.LedgerDrDb);
        // Nobody but the DR server uses the replication login: a password, no resource.
        var replicatorPassword = builder.AddPassword("ledgerdb-replicator");

        if (builder.ExecutionContext.IsRunMode)
        {
            var (primary, ledgerDatabase) = PostgresServerAccess.Of(data.LedgerDb.Resource);
            var (dr, drDatabase) = PostgresServerAccess.Of(data.LedgerDrDb.Resource);
            var (chaos, chaosDatabase) = PostgresServerAccess.Of(data.ChaosDb.Resource);

            PostgresServerAccess.AddProvisioning(builder, primary, context => LedgerProvisioning.ProvisionPrimaryAsync(
                context, ledgerDatabase,
                new(ledgerApp.Resource.Password, replicatorPassword, ledgerMonitor.Resource.Password, ledgerAuditor.Resource.Password, ledgerController.Resource.Password),
                builder.Configuration.GetValue<bool>(DrControllerProvisioning.SynchronousReplicationSetting)));

            var (host, port) = data.PublisherHostOverride ?? PostgresServerAccess.LocalAddress(primary);
            SubscriptionPassfile.GiveTo(builder, dr, async cancellationToken => SubscriptionPassfile.Line(
                host, port, ledgerDatabase, DatabaseRoleNames.LedgerReplicator, await replicatorPassword.GetValueAsync(cancellationToken) ?? string.Empty));
            PostgresServerAccess.AddProvisioning(builder, dr, context => LedgerProvisioning.ProvisionDrAsync(
                context, drDatabase, new(ledgerDrApp.Resource.Password, ledgerDrAuditor.Resource.Password, ledgerDrController.Resource.Password),
                new(primary, host, port, ledgerDatabase, ledgerApp.Resource.Name)));

            PostgresServerAccess.AddProvisioning(builder, chaos, async context =>
            {
                await AuditProvisioning.ProvisionAsync(context, chaosDatabase, chaosManager.Resource.Password);
                await DrillRunProvisioning.ProvisionAsync(context, chaosDatabase);
                await DrJournalProvisioning.ProvisionAsync(context, chaosDatabase);
            });
        }

        return new DatabaseLogins(ledgerApp, ledgerDrApp, ledgerMonitor, chaosManager, ledgerAuditor, ledgerDrAuditor, ledgerController, ledgerDrController);
    }

    private static IResourceBuilder<PostgresRoleResource> AddLogin(
        this IDistributedApplicationBuilder builder, string name, string roleName, IResourceBuilder<IResourceWithConnectionString> database)
    {
        var (server, databaseName) = PostgresServerAccess.Of(database.Resource);
        var login = new PostgresRoleResource(name, roleName, databaseName, server, PostgresServerAccess.Address(server), builder.AddPassword(name));

        // Healthy when the role can log in: proves the provisioning and the password, not only the server.
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => login.ProvisionedConnectionString ?? throw new InvalidOperationException($"'{name}' is not provisioned yet."),
            name: healthCheckKey);

        return builder.AddResource(login)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresRole",
                State = KnownResourceStates.Waiting,
                Properties = [new("postgres.role", roleName), new("postgres.database", databaseName)],
            })
            .WithRelationship(database.Resource, "Database")
            .WithHealthCheck(healthCheckKey)
            .WithIconName("PersonKey")
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(login);
            });
    }

    /// <summary>A secret, generated when unset, exactly as Aspire's container PostgreSQL does for its superuser.</summary>
    internal static ParameterResource AddPassword(this IDistributedApplicationBuilder builder, string name)
    {
        var parameter = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        builder.AddResource(parameter);
        return parameter;
    }
}
