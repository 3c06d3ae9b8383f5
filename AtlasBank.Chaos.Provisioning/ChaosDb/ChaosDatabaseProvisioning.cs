using AtlasBank.Chaos.Contracts.Audit;
using AtlasBank.Chaos.Contracts.Drills;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning.Postgres;
using static AtlasBank.Chaos.Provisioning.Postgres.PostgresRoles;

namespace AtlasBank.Chaos.Provisioning.ChaosDb;

/// <summary>
/// <c>chaosdb</c>, the control plane's own database: the audit trail, the drill runs and the DR journal, each owned by a
/// NOLOGIN role. The manager's login may append to and read the audit and cannot change, delete, truncate or alter it or
/// switch its trigger off (all need the owner); it may add and read runs, steps and checks and update a run's state, lease
/// and evidence; it may add and read DR operations and steps and move an operation on. It deletes nothing, and changes
/// no step or check once written.
/// </summary>
internal static class ChaosDatabaseProvisioning
{
    private static readonly string Manager = Identifier(DatabaseRoleNames.ChaosManager);

    /// <summary>Version 1: the tables as they stood when provisioning became a resource of its own.</summary>
    public static readonly IReadOnlyList<ProvisionedVersions.Migration> Migrations =
    [
        new(1, "audit trail, drill runs, DR journal", async (admin, transaction, cancellationToken) =>
        {
            await OwnedSchema.CreateAsync(admin, transaction, DatabaseRoleNames.AuditOwner, AuditSchema.Create, cancellationToken);
            await OwnedSchema.CreateAsync(admin, transaction, DatabaseRoleNames.DrillsOwner, DrillRunSchema.Create, cancellationToken);
            await OwnedSchema.CreateAsync(admin, transaction, DatabaseRoleNames.DrJournalOwner, DrJournalSchema.Create, cancellationToken);
        }),
    ];

    public static async Task<long> ProvisionAsync(ServerConnection server, ProvisioningOptions options, CancellationToken cancellationToken)
    {
        const string database = ProvisioningSettings.ChaosDatabase;
        await server.EnsureDatabaseAsync(database, cancellationToken);
        await using var admin = await server.OpenAsync(database, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.AuditOwner, NoLogin, null, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.DrillsOwner, NoLogin, null, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.DrJournalOwner, NoLogin, null, cancellationToken);
        await EnsureAsync(admin, DatabaseRoleNames.ChaosManager, Login, options.Password(ProvisioningSettings.Logins.ChaosManager), cancellationToken);

        var current = await ProvisionedVersions.CurrentAsync(admin, cancellationToken);
        await ProvisionedVersions.ApplyAsync(admin, current, Migrations, cancellationToken);

        // The grants every time: they are what the manager may do, and granting twice changes nothing.
        await ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {Identifier(database)} TO {Manager};
            GRANT USAGE ON SCHEMA public TO {Manager};
            GRANT SELECT, INSERT ON {AuditSchema.TableName} TO {Manager};
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {Manager};
            GRANT SELECT, INSERT ON {DrillRunSchema.RunsTable}, {DrillRunSchema.StepsTable}, {DrillRunSchema.ChecksTable} TO {Manager};
            GRANT UPDATE (state, reason, started_at, ended_at, owner, lease_expires_at, enabled_services, evidence) ON {DrillRunSchema.RunsTable} TO {Manager};
            GRANT SELECT, INSERT ON {DrJournalSchema.OperationsTable}, {DrJournalSchema.StepsTable} TO {Manager};
            GRANT UPDATE (step, committed, state, owner, updated_at, taken_over_by) ON {DrJournalSchema.OperationsTable} TO {Manager};
            """, cancellationToken);
        return current;
    }
}
