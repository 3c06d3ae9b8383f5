using AtlasBank.Chaos.Contracts.Ledger;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// The ledger database on the primary and on DR: the same tables, owned by <see cref="DatabaseRoleNames.LedgerOwner"/>
/// on both; the primary publishes them, DR subscribes as the superuser (PostgreSQL 15 applies changes as the
/// subscription's owner, which must be a superuser) over a connection that logs in as the replication role.
/// </summary>
internal static partial class LedgerProvisioning
{
    private static readonly string Tables = string.Join(", ", LedgerSchema.ReplicatedTables);

    public sealed record PrimaryLogins(ParameterResource App, ParameterResource Replicator, ParameterResource Monitor, ParameterResource Auditor);

    public sealed record DrLogins(ParameterResource Reader, ParameterResource Auditor);

    public static async Task ProvisionPrimaryAsync(PostgresProvisioningContext context, string database, PrimaryLogins logins)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerApp, PostgresRoles.Login, await logins.App.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerReplicator, PostgresRoles.ReplicationLogin, await logins.Replicator.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerMonitor, PostgresRoles.Login, await logins.Monitor.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerAuditor, PostgresRoles.Login, await logins.Auditor.GetValueAsync(cancellationToken), cancellationToken);

        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.LedgerOwner, LedgerSchema.Create, cancellationToken);

        var (app, replicator, monitor, auditor) = (PostgresRoles.Identifier(DatabaseRoleNames.LedgerApp),
            PostgresRoles.Identifier(DatabaseRoleNames.LedgerReplicator), PostgresRoles.Identifier(DatabaseRoleNames.LedgerMonitor),
            PostgresRoles.Identifier(DatabaseRoleNames.LedgerAuditor));
        // What LedgerStore does and nothing more: it inserts accounts, transfers and entries, and changes only a
        // balance (SELECT … FOR UPDATE needs UPDATE on some column too). The auditor reads, in read-only transactions.
        await PostgresRoles.ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {PostgresRoles.Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {PostgresRoles.Identifier(database)} TO {app}, {replicator}, {monitor}, {auditor};
            GRANT USAGE ON SCHEMA public TO {app}, {replicator}, {auditor};
            GRANT SELECT, INSERT ON {Tables} TO {app};
            GRANT UPDATE (balance) ON accounts TO {app};
            GRANT SELECT ON {Tables} TO {replicator}, {auditor};
            GRANT pg_monitor TO {monitor};
            ALTER ROLE {auditor} SET default_transaction_read_only = on;
            """, cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", admin);
        exists.Parameters.Add(new() { Value = LedgerReplication.PublicationName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await PostgresRoles.ExecuteAsync(admin, $"CREATE PUBLICATION {LedgerReplication.PublicationName} FOR TABLE {Tables}", cancellationToken);
        }
    }

    /// <summary>Where DR's subscription finds the primary: its address from DR's server, and a superuser way in for slot clean-up.</summary>
    public sealed record Publisher(IResource Server, string Host, int Port, string Database, string ProvisionedRole);

    public static async Task ProvisionDrAsync(PostgresProvisioningContext context, string database, DrLogins logins, Publisher publisher)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerReader, PostgresRoles.Login, await logins.Reader.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerAuditor, PostgresRoles.Login, await logins.Auditor.GetValueAsync(cancellationToken), cancellationToken);

        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.LedgerOwner, LedgerSchema.Create, cancellationToken);

        // DR is read-only in the database, not only over HTTP: SELECT is all the reader holds, and every
        // transaction it starts is read-only. The same for the drills' auditor.
        var (reader, auditor) = (PostgresRoles.Identifier(DatabaseRoleNames.LedgerReader), PostgresRoles.Identifier(DatabaseRoleNames.LedgerAuditor));
        await PostgresRoles.ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {PostgresRoles.Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {PostgresRoles.Identifier(database)} TO {reader}, {auditor};
            GRANT USAGE ON SCHEMA public TO {reader}, {auditor};
            GRANT SELECT ON {Tables} TO {reader}, {auditor};
            ALTER ROLE {reader} SET default_transaction_read_only = on;
            ALTER ROLE {auditor} SET default_transaction_read_only = on;
            """, cancellationToken);

        // The publication and the replication role exist once the primary's logins are Running.
        await context.Services.GetRequiredService<ResourceNotificationService>()
            .WaitForResourceAsync(publisher.ProvisionedRole, KnownResourceStates.Running, cancellationToken);
        await EnsureSubscriptionAsync(context, admin, publisher);
    }

    private static async Task EnsureSubscriptionAsync(PostgresProvisioningContext context, NpgsqlConnection admin, Publisher publisher)
    {
        var cancellationToken = context.CancellationToken;
        var connectionInfo = SubscriptionConnectionInfo.Format(
            publisher.Host, publisher.Port, publisher.Database, DatabaseRoleNames.LedgerReplicator, LedgerReplication.SubscriptionName);
        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(context.Server);

        await using (var current = new NpgsqlCommand("SELECT subconninfo FROM pg_subscription WHERE subname = $1", admin))
        {
            current.Parameters.Add(new() { Value = LedgerReplication.SubscriptionName });
            switch (await current.ExecuteScalarAsync(cancellationToken))
            {
                case string existing when existing == connectionInfo:
                    return;
                case string:
                    // Made for another address or login (an older provisioning): point it at the primary as it is
                    // now, keeping its slot and what it has replicated.
                    await PostgresRoles.ExecuteAsync(admin,
                        $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {PostgresRoles.Literal(connectionInfo)}", cancellationToken);
                    return;
            }
        }

        await DropAbandonedSlotAsync(publisher, logger, cancellationToken);
        // CREATE SUBSCRIPTION cannot run in a transaction block; it connects to the primary with the passfile.
        await PostgresRoles.ExecuteAsync(admin,
            $"CREATE SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {PostgresRoles.Literal(connectionInfo)} PUBLICATION {LedgerReplication.PublicationName}",
            cancellationToken);
        LogSubscriptionCreated(logger, LedgerReplication.SubscriptionName, LedgerReplication.PublicationName, DatabaseRoleNames.LedgerReplicator);
    }

    /// <summary>
    /// A DR database rebuilt from scratch leaves its old slot on the primary; a new subscription of the same name
    /// cannot be created while it exists. Only an inactive slot is dropped: an active one belongs to a live DR.
    /// </summary>
    private static async Task DropAbandonedSlotAsync(Publisher publisher, ILogger logger, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresServerAccess.AdminConnectionStringAsync(publisher.Server, cancellationToken))
        {
            Database = publisher.Database,
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var drop = new NpgsqlCommand(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active", connection);
        drop.Parameters.Add(new() { Value = LedgerReplication.SubscriptionName });
        if (await drop.ExecuteScalarAsync(cancellationToken) is not null)
        {
            LogAbandonedSlotDropped(logger, LedgerReplication.SubscriptionName);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Created subscription {Subscription} to publication {Publication}, connecting as {Role}.")]
    private static partial void LogSubscriptionCreated(ILogger logger, string subscription, string publication, string role);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Dropped abandoned replication slot {Slot} before subscribing again.")]
    private static partial void LogAbandonedSlotDropped(ILogger logger, string slot);
}
