using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AtlasBank.Chaos.AppHost.Databases;

public static class DatabaseLoginsBuilderExtensions
{
    /// <summary>
    /// A login per service, each a connection string under its database with a secret password parameter
    /// (<c>{login}-password</c>, generated when unset). The provisioning creates the roles with these passwords.
    /// </summary>
    public static DatabaseLogins AddDatabaseLogins(
        this IDistributedApplicationBuilder builder,
        (PostgresServer Server, IResourceBuilder<IResourceWithConnectionString> Database) regionA,
        (PostgresServer Server, IResourceBuilder<IResourceWithConnectionString> Database) regionB,
        (PostgresServer Server, IResourceBuilder<IResourceWithConnectionString> Database) chaos) =>
        new(
            builder.AddLogin("ledgerdb-app", DatabaseRoleNames.LedgerApp, regionA),
            // Region B's ledger logs in as the same role on its own server: it writes only once a failover grants it.
            builder.AddLogin("ledgerdb-dr-app", DatabaseRoleNames.LedgerApp, regionB),
            // Region B's ledger watches region A's WAL and slots with it.
            builder.AddLogin("ledgerdb-monitor", DatabaseRoleNames.LedgerMonitor, regionA),
            builder.AddLogin("chaosdb-manager", DatabaseRoleNames.ChaosManager, chaos),
            // The drills' invariant checker reads both ledgers' databases directly, read-only.
            builder.AddLogin("ledgerdb-auditor", DatabaseRoleNames.LedgerAuditor, regionA),
            builder.AddLogin("ledgerdb-dr-auditor", DatabaseRoleNames.LedgerAuditor, regionB),
            // The manager's failover controller, on each region's server.
            builder.AddLogin("ledgerdb-controller", DatabaseRoleNames.DrController, regionA),
            builder.AddLogin("ledgerdb-dr-controller", DatabaseRoleNames.DrController, regionB),
            builder.AddPassword("ledgerdb-replicator"));

    /// <summary>
    /// The provisioning's configuration (<see cref="ProvisioningSettings"/>): each server as its superuser, every login's
    /// password, where region B reaches region A, and the replication mode of a first start (<c>Dr:SynchronousReplication</c>).
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithProvisioningOf(
        this IResourceBuilder<ProjectResource> provisioning, PostgresServer regionA, PostgresServer regionB, PostgresServer chaos, DatabaseLogins logins)
    {
        provisioning
            .WithReference(regionA.Resource, ProvisioningSettings.LedgerServerA)
            .WithReference(regionB.Resource, ProvisioningSettings.LedgerServerB)
            .WithReference(chaos.Resource, ProvisioningSettings.ChaosServer)
            .WithEnvironment(ProvisioningSettings.PublisherHostVariable, regionA.PeerAddress.Host)
            .WithEnvironment(ProvisioningSettings.PublisherPortVariable, regionA.PeerAddress.Port)
            .WithEnvironment(ProvisioningSettings.SynchronousReplicationVariable,
                provisioning.ApplicationBuilder.Configuration["Dr:SynchronousReplication"] is { Length: > 0 } synchronous ? synchronous : "false");

        (string Login, ParameterResource Password)[] passwords =
        [
            (ProvisioningSettings.Logins.LedgerAppA, logins.LedgerApp.Resource.Password),
            (ProvisioningSettings.Logins.LedgerAppB, logins.LedgerDrApp.Resource.Password),
            (ProvisioningSettings.Logins.LedgerMonitor, logins.LedgerMonitor.Resource.Password),
            (ProvisioningSettings.Logins.LedgerReplicator, logins.ReplicatorPassword),
            (ProvisioningSettings.Logins.LedgerAuditorA, logins.LedgerAuditor.Resource.Password),
            (ProvisioningSettings.Logins.LedgerAuditorB, logins.LedgerDrAuditor.Resource.Password),
            (ProvisioningSettings.Logins.DrControllerA, logins.LedgerController.Resource.Password),
            (ProvisioningSettings.Logins.DrControllerB, logins.LedgerDrController.Resource.Password),
            (ProvisioningSettings.Logins.ChaosManager, logins.ChaosManager.Resource.Password),
        ];
        foreach (var (login, password) in passwords)
        {
            provisioning.WithEnvironment(ProvisioningSettings.PasswordsVariablePrefix + login, ReferenceExpression.Create($"{password}"));
        }

        return provisioning;
    }

    private static IResourceBuilder<PostgresRoleResource> AddLogin(
        this IDistributedApplicationBuilder builder, string name, string roleName,
        (PostgresServer Server, IResourceBuilder<IResourceWithConnectionString> Database) on)
    {
        var databaseName = on.Database.Resource switch
        {
            PostgresDatabaseResource container => container.DatabaseName,
            ProcessPostgresDatabaseResource process => process.DatabaseName,
            var other => throw new ArgumentException($"'{other.Name}' is not a PostgreSQL database resource.", nameof(on)),
        };
        var password = builder.AddPassword(name);
        var login = new PostgresRoleResource(name, roleName, databaseName, on.Database.Resource, on.Server.ServiceAddress, password);

        // Healthy when the role can log in: proves the provisioning and the password, not only the server.
        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(healthCheckKey, _ => new LoginHealthCheck(login), null, null));

        var resource = builder.AddResource(login)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresRole",
                State = KnownResourceStates.Running,
                Properties = [new("postgres.role", roleName), new("postgres.database", databaseName)],
            })
            .WithHealthCheck(healthCheckKey)
            .WithIconName("PersonKey")
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(login);
            });
        // The password belongs under its login, not in the dashboard's first screen.
        builder.CreateResourceBuilder(password).WithParentRelationship(login);
        return resource;
    }

    /// <summary>A secret, generated when unset, exactly as Aspire's container PostgreSQL does for its superuser.</summary>
    internal static ParameterResource AddPassword(this IDistributedApplicationBuilder builder, string name)
    {
        var parameter = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        builder.AddResource(parameter);
        return parameter;
    }

    private sealed class LoginHealthCheck(PostgresRoleResource login) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var connectionString = new NpgsqlConnectionStringBuilder(await login.ConnectionStringExpression.GetValueAsync(cancellationToken))
                {
                    Pooling = false,
                    Timeout = 5,
                };
                await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                return HealthCheckResult.Unhealthy($"'{login.RoleName}' cannot log in yet (not provisioned?): {ex.Message}");
            }
        }
    }
}
