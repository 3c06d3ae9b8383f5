using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning.Postgres;
using Npgsql;
using static AtlasBank.Chaos.Provisioning.Postgres.PostgresRoles;

namespace AtlasBank.Chaos.Provisioning.Ledger;

/// <summary>
/// The ledger database in region A and in region B: the same tables, owned by <see cref="DatabaseRoleNames.LedgerOwner"/>
/// on both; region A publishes them, region B subscribes as the superuser (PostgreSQL 15 applies changes as the
/// subscription's owner, which must be a superuser) over a connection that logs in as the replication role.
/// </summary>
/// <remarks>
/// Safe to run at any time, also while region B is the writer: which region writes, whether region B is subscribed and
/// the replication mode are set on a database's first provisioning only and are the DR controller's from then on (read
/// from <c>dr.region_role</c> and <c>pg_subscription</c>, never overwritten). Nothing is truncated or dropped but a login
/// no service uses any more.
/// </remarks>
internal static partial class LedgerProvisioning
{
    private static readonly string Tables = string.Join(", ", LedgerSchema.ReplicatedTables);

    /// <summary>
    /// Region B's apply worker flushes each applied transaction before reporting it. With PostgreSQL's default (off) it
    /// reports flushes lazily, and in sync mode every commit on region A waited for that report: seconds per transfer.
    /// </summary>
    internal const string FlushedApply = "synchronous_commit = 'on'";

    /// <summary>Version 1: the ledger tables, the staging copy and <c>dr.*</c>, as they stood when provisioning became a resource.</summary>
    public static IReadOnlyList<ProvisionedVersions.Migration> Migrations(bool subscribes) =>
    [
        new(1, "ledger tables, dr functions, dr_staging", async (admin, transaction, cancellationToken) =>
        {
            await OwnedSchema.CreateAsync(admin, transaction, DatabaseRoleNames.LedgerOwner, LedgerSchema.Create, cancellationToken);
            await DrControllerProvisioning.CreateAsync(admin, transaction, subscribes, cancellationToken);
        }),
    ];

    /// <summary>Region A: the home writer. Its ledger may write; it publishes.</summary>
    public static async Task<long> ProvisionRegionAAsync(ServerConnection server, ProvisioningOptions options, CancellationToken cancellationToken)
    {
        const string database = ProvisioningSettings.LedgerDatabase;
        await server.EnsureDatabaseAsync(database, cancellationToken);
        await using var admin = await server.OpenAsync(database, cancellationToken);
        await EnsureLedgerLoginsAsync(admin, options.Password(ProvisioningSettings.Logins.LedgerAppA), options.Password(ProvisioningSettings.Logins.LedgerAuditorA),
            options.Password(ProvisioningSettings.Logins.DrControllerA), cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.LedgerReplicator, ReplicationLogin, options.Password(ProvisioningSettings.Logins.LedgerReplicator), cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.LedgerMonitor, Login, options.Password(ProvisioningSettings.Logins.LedgerMonitor), cancellationToken);

        var current = await ProvisionedVersions.CurrentAsync(admin, cancellationToken);
        await ProvisionedVersions.ApplyAsync(admin, current, Migrations(subscribes: false), cancellationToken);
        await GrantLedgerRightsAsync(admin, database, cancellationToken);

        var (replicator, monitor) = (Identifier(DatabaseRoleNames.LedgerReplicator), Identifier(DatabaseRoleNames.LedgerMonitor));
        await ExecuteAsync(admin, $"""
            GRANT CONNECT ON DATABASE {Identifier(database)} TO {replicator}, {monitor};
            GRANT USAGE ON SCHEMA public TO {replicator};
            GRANT SELECT ON {Tables} TO {replicator};
            GRANT pg_monitor TO {monitor};
            """, cancellationToken);
        await DrControllerProvisioning.AllowSynchronousModeSwitchAsync(admin, cancellationToken);

        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_publication WHERE pubname = $1", admin))
        {
            exists.Parameters.Add(new() { Value = LedgerReplication.PublicationName });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await ExecuteAsync(admin, $"CREATE PUBLICATION {LedgerReplication.PublicationName} FOR TABLE {Tables}", cancellationToken);
            }
        }

        if (current == 0)
        {
            // The home state, once: region A writes. From then on the grant is the DR controller's: granting here again
            // would make region A a second writer while region B writes after a failover.
            await ExecuteAsync(admin, $"SELECT {DrFunctions.GrantWrites}(0)", cancellationToken);
            // Last: once commits wait for region B, nothing here may commit before region B has subscribed.
            await DrControllerProvisioning.SetSynchronousReplicationAsync(admin, options.SynchronousReplication, cancellationToken);
        }

        return current;
    }

    /// <summary>Region B: the same ledger login, not a writer until a failover grants it; subscribed to region A.</summary>
    public static async Task<long> ProvisionRegionBAsync(
        ServerConnection server, ServerConnection regionA, ProvisioningOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        const string database = ProvisioningSettings.LedgerDatabase;
        await server.EnsureDatabaseAsync(database, cancellationToken);
        await using var admin = await server.OpenAsync(database, cancellationToken);
        await EnsureLedgerLoginsAsync(admin, options.Password(ProvisioningSettings.Logins.LedgerAppB), options.Password(ProvisioningSettings.Logins.LedgerAuditorB),
            options.Password(ProvisioningSettings.Logins.DrControllerB), cancellationToken);
        await RetireAsync(admin, DatabaseRoleNames.RetiredLedgerReader, cancellationToken);

        var current = await ProvisionedVersions.CurrentAsync(admin, cancellationToken);
        await ProvisionedVersions.ApplyAsync(admin, current, Migrations(subscribes: true), cancellationToken);
        await GrantLedgerRightsAsync(admin, database, cancellationToken);
        if (current == 0)
        {
            // The home state, once: region B does not write; its ledger's login reads what replication brings.
            await ExecuteAsync(admin, $"SELECT {DrFunctions.FenceWrites}(0)", cancellationToken);
        }

        await ReplicationServiceFile.WriteAsync(admin, ReplicationServiceFile.ForLedger(options), cancellationToken);
        await EnsureSubscriptionAsync(admin, regionA, logger, createIfMissing: current == 0, cancellationToken);
        return current;
    }

    /// <summary>Each region's ledger login, its auditor and its DR controller; the NOLOGIN owner and writer roles.</summary>
    private static async Task EnsureLedgerLoginsAsync(
        NpgsqlConnection admin, string appPassword, string auditorPassword, string controllerPassword, CancellationToken cancellationToken)
    {
        await EnsureAsync(admin, DatabaseRoleNames.LedgerOwner, NoLogin, null, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.LedgerWriter, NoLogin, null, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.LedgerApp, Login, appPassword, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.LedgerAuditor, Login, auditorPassword, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.DrController, Login, controllerPassword, cancellationToken);
    }

    /// <summary>
    /// The rights both regions share. The ledger's login reads; what LedgerStore writes (it inserts accounts, transfers
    /// and entries and changes only a balance; SELECT … FOR UPDATE needs UPDATE on some column too) belongs to the writer
    /// role, which the ledger holds only in the writing region (membership is the DR controller's, never granted here).
    /// The auditor reads, in read-only transactions. The controller only reads them: it changes them through <c>dr.*</c>
    /// alone (a rebuild, an empty account), so it can neither mint nor erase money.
    /// </summary>
    private static async Task GrantLedgerRightsAsync(NpgsqlConnection admin, string database, CancellationToken cancellationToken)
    {
        var (app, writer, auditor, controller) = (Identifier(DatabaseRoleNames.LedgerApp), Identifier(DatabaseRoleNames.LedgerWriter),
            Identifier(DatabaseRoleNames.LedgerAuditor), Identifier(DatabaseRoleNames.DrController));
        await ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {Identifier(database)} TO {app}, {auditor}, {controller};
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
            await ExecuteAsync(admin, $"DROP OWNED BY {Identifier(role)}; DROP ROLE {Identifier(role)}", cancellationToken);
        }
    }

    /// <remarks>
    /// <paramref name="createIfMissing"/> only the first time: later, a missing subscription means a failover detached it
    /// (region B writes, or a failback will rebuild it): subscribing again would replicate region A's stale copy into the
    /// writer.
    /// </remarks>
    private static async Task EnsureSubscriptionAsync(
        NpgsqlConnection admin, ServerConnection regionA, ILogger logger, bool createIfMissing, CancellationToken cancellationToken)
    {
        await using (var current = new NpgsqlCommand("SELECT subconninfo FROM pg_subscription WHERE subname = $1", admin))
        {
            current.Parameters.Add(new() { Value = LedgerReplication.SubscriptionName });
            switch (await current.ExecuteScalarAsync(cancellationToken))
            {
                case string existing when existing == SubscriptionConnectionInfo.Value:
                    return;
                case string:
                    // Made by an older provisioning (an address and login in the string): point it at the service file,
                    // keeping its slot and what it has replicated.
                    await ExecuteAsync(admin,
                        $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {Literal(SubscriptionConnectionInfo.Value)}", cancellationToken);
                    await ExecuteAsync(admin, $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} SET ({FlushedApply})", cancellationToken);
                    return;
            }
        }

        if (!createIfMissing)
        {
            return;
        }

        await DropAbandonedSlotAsync(regionA, logger, cancellationToken);
        // CREATE SUBSCRIPTION cannot run in a transaction block; it connects to region A through the service file.
        await ExecuteAsync(admin,
            $"CREATE SUBSCRIPTION {LedgerReplication.SubscriptionName} CONNECTION {Literal(SubscriptionConnectionInfo.Value)} PUBLICATION {LedgerReplication.PublicationName} WITH ({FlushedApply})",
            cancellationToken);
        LogSubscriptionCreated(logger, LedgerReplication.SubscriptionName, LedgerReplication.PublicationName, DatabaseRoleNames.LedgerReplicator);
    }

    /// <summary>
    /// A region B database made from scratch leaves its old slot on region A; a new subscription of the same name cannot
    /// be created while it exists. Only an inactive slot is dropped: an active one belongs to a live subscriber.
    /// </summary>
    private static async Task DropAbandonedSlotAsync(ServerConnection regionA, ILogger logger, CancellationToken cancellationToken)
    {
        await using var connection = await regionA.OpenAsync(ProvisioningSettings.LedgerDatabase, cancellationToken);
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
