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

    /// <summary>
    /// DR's apply worker flushes each applied transaction before reporting it. With PostgreSQL's default (off) it reports
    /// flushes lazily, and in sync mode every commit on the primary waited for that report: seconds per transfer.
    /// </summary>
    internal const string FlushedApply = "synchronous_commit = 'on'";

    public sealed record PrimaryLogins(
        ParameterResource App, ParameterResource Replicator, ParameterResource Monitor, ParameterResource Auditor, ParameterResource Controller);

    public sealed record DrLogins(ParameterResource App, ParameterResource Auditor, ParameterResource Controller);

    /// <summary>Region A: the home writer. Its ledger may write; it publishes; <paramref name="synchronous"/> sets the replication mode.</summary>
    public static async Task ProvisionPrimaryAsync(PostgresProvisioningContext context, string database, PrimaryLogins logins, bool synchronous)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await EnsureLedgerRolesAsync(admin, database, logins.App, logins.Auditor, logins.Controller, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerReplicator, PostgresRoles.ReplicationLogin, await logins.Replicator.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerMonitor, PostgresRoles.Login, await logins.Monitor.GetValueAsync(cancellationToken), cancellationToken);

        var (replicator, monitor) = (PostgresRoles.Identifier(DatabaseRoleNames.LedgerReplicator), PostgresRoles.Identifier(DatabaseRoleNames.LedgerMonitor));
        await PostgresRoles.ExecuteAsync(admin, $"""
            GRANT CONNECT ON DATABASE {PostgresRoles.Identifier(database)} TO {replicator}, {monitor};
            GRANT USAGE ON SCHEMA public TO {replicator};
            GRANT SELECT ON {Tables} TO {replicator};
            GRANT pg_monitor TO {monitor};
            """, cancellationToken);

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", admin);
        exists.Parameters.Add(new() { Value = LedgerReplication.PublicationName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            await PostgresRoles.ExecuteAsync(admin, $"CREATE PUBLICATION {LedgerReplication.PublicationName} FOR TABLE {Tables}", cancellationToken);
        }

        var firstTime = !await DrControllerProvisioning.ExistsAsync(admin, cancellationToken);
        await DrControllerProvisioning.ProvisionAsync(admin, subscriptionConnectionInfo: null, cancellationToken);
        await DrControllerProvisioning.AllowSynchronousModeSwitchAsync(admin, cancellationToken);
        if (!firstTime)
        {
            // A server that restarted: which region writes, and the mode, are the DR controller's now. Granting writes
            // here would make region A a second writer while region B writes after a failover.
            return;
        }

        // The home state: region A writes.
        await PostgresRoles.ExecuteAsync(admin, "SELECT dr.grant_writes(0)", cancellationToken);
        // Last: once commits wait for DR, nothing here may commit before DR has subscribed.
        await DrControllerProvisioning.SetSynchronousReplicationAsync(admin, synchronous, cancellationToken);
    }

    /// <summary>Where DR's subscription finds the primary: its address from DR's server, and a superuser way in for slot clean-up.</summary>
    public sealed record Publisher(IResource Server, string Host, int Port, string Database, string ProvisionedRole);

    /// <summary>Region B: the same ledger login, not a writer until a failover grants it; subscribed to region A.</summary>
    public static async Task ProvisionDrAsync(PostgresProvisioningContext context, string database, DrLogins logins, Publisher publisher)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await EnsureLedgerRolesAsync(admin, database, logins.App, logins.Auditor, logins.Controller, cancellationToken);
        await RetireAsync(admin, DatabaseRoleNames.RetiredLedgerReader, cancellationToken);

        var connectionInfo = SubscriptionConnectionInfo.Format(
            publisher.Host, publisher.Port, publisher.Database, DatabaseRoleNames.LedgerReplicator, LedgerReplication.SubscriptionName);
        var firstTime = !await DrControllerProvisioning.ExistsAsync(admin, cancellationToken);
        await DrControllerProvisioning.ProvisionAsync(admin, connectionInfo, cancellationToken);
        if (firstTime)
        {
            // The home state: region B does not write; its ledger's login reads what replication brings. On a restart
            // the grant is the DR controller's: region B may be the writer after a failover.
            await PostgresRoles.ExecuteAsync(admin, "SELECT dr.fence_writes(0)", cancellationToken);
        }

        // The publication and the replication role exist once the primary's logins are Running.
        await context.Services.GetRequiredService<ResourceNotificationService>()
            .WaitForResourceAsync(publisher.ProvisionedRole, KnownResourceStates.Running, cancellationToken);
        await EnsureSubscriptionAsync(context, admin, publisher, connectionInfo, createIfMissing: firstTime);
    }

    /// <summary>
    /// The roles and grants both servers share. The ledger's login reads; what LedgerStore writes (it inserts
    /// accounts, transfers and entries and changes only a balance; SELECT … FOR UPDATE needs UPDATE on some column
    /// too) belongs to the writer role, which the ledger holds only in the writing region. The auditor reads, in
    /// read-only transactions. The controller only reads them: it changes them through <c>dr.*</c> alone (a rebuild, an empty account), so it can neither mint nor erase money.
    /// </summary>
    private static async Task EnsureLedgerRolesAsync(
        NpgsqlConnection admin, string database, ParameterResource appPassword, ParameterResource auditorPassword, ParameterResource controllerPassword,
        CancellationToken cancellationToken)
    {
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerWriter, PostgresRoles.NoLogin, null, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerApp, PostgresRoles.Login, await appPassword.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.LedgerAuditor, PostgresRoles.Login, await auditorPassword.GetValueAsync(cancellationToken), cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.DrController, PostgresRoles.Login, await controllerPassword.GetValueAsync(cancellationToken), cancellationToken);

        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.LedgerOwner, LedgerSchema.Create, cancellationToken);

        var (app, writer, auditor, controller) = (PostgresRoles.Identifier(DatabaseRoleNames.LedgerApp),
            PostgresRoles.Identifier(DatabaseRoleNames.LedgerWriter), PostgresRoles.Identifier(DatabaseRoleNames.LedgerAuditor),
            PostgresRoles.Identifier(DatabaseRoleNames.DrController));
        await PostgresRoles.ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {PostgresRoles.Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {PostgresRoles.Identifier(database)} TO {app}, {auditor}, {controller};
            GRANT USAGE ON SCHEMA public TO {app}, {auditor}, {controller};
            REVOKE INSERT, UPDATE ON {Tables} FROM {app};
            REVOKE UPDATE (balance) ON accounts FROM {app};
            GRANT SELECT ON {Tables} TO {app}, {auditor};
            GRANT INSERT ON {Tables} TO {writer};
            GRANT UPDATE (balance) ON accounts TO {writer};
            REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {Tables} FROM {controller};
            GRANT SELECT ON {Tables} TO {controller};
            ALTER ROLE {auditor} SET default_transaction_read_only = on;
            """, cancellationToken);
    }

    /// <summary>Drops a login no service uses any more, with its grants, where an older provisioning made it.</summary>
    private static async Task RetireAsync(NpgsqlConnection admin, string role, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", admin);
        exists.Parameters.Add(new() { Value = role });
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            await PostgresRoles.ExecuteAsync(admin, $"DROP OWNED BY {PostgresRoles.Identifier(role)}; DROP ROLE {PostgresRoles.Identifier(role)}", cancellationToken);
        }
    }

    /// <remarks>
    /// <paramref name="createIfMissing"/> only the first time: on a restart a missing subscription means a failover
    /// detached it (region B writes, or a failback will rebuild): subscribing again would replicate region A's stale
    /// copy into the writer.
    /// </remarks>
    private static async Task EnsureSubscriptionAsync(
        PostgresProvisioningContext context, NpgsqlConnection admin, Publisher publisher, string connectionInfo, bool createIfMissing)
    {
        var cancellationToken = context.CancellationToken;
        var logger = context.Services.GetRequiredService<ResourceLoggerService>().GetLogger(context.Server);

        await using (var current = new NpgsqlCommand("SELECT subconninfo FROM pg_subscription WHERE subname = $1", admin))
        {
            current.Parameters.Add(new() { Value = LedgerReplication.SubscriptionName });
            switch (await current.ExecuteScalarAsync(cancellationToken))
            {
                case string existing when existing == connectionInfo:
                    await PostgresRoles.ExecuteAsync(admin, $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} SET ({FlushedApply})", cancellationToken);
                    return;
                case string:
                    // Made for another address or login (an older provisioning): point it at the primary as it is
                    // now, keeping its slot and what it has replicated.
                    await PostgresRoles.ExecuteAsync(admin,
                        $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {PostgresRoles.Literal(connectionInfo)}", cancellationToken);
                    await PostgresRoles.ExecuteAsync(admin, $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} SET ({FlushedApply})", cancellationToken);
                    return;
            }
        }

        if (!createIfMissing)
        {
            return;
        }

        await DropAbandonedSlotAsync(publisher, logger, cancellationToken);
        // CREATE SUBSCRIPTION cannot run in a transaction block; it connects to the primary with the passfile.
        await PostgresRoles.ExecuteAsync(admin,
            $"CREATE SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {PostgresRoles.Literal(connectionInfo)} PUBLICATION {LedgerReplication.PublicationName} WITH ({FlushedApply})",
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
