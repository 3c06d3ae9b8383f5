using AtlasBank.Chaos.Contracts.Drills;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// <c>chaosdb</c>'s drill tables, owned by <see cref="DatabaseRoleNames.DrillsOwner"/>: the manager's login may add
/// and read runs, steps and checks and update a run's state, lease and evidence; it can delete nothing and change
/// no step or check once written.
/// </summary>
internal static class DrillRunProvisioning
{
    public static async Task ProvisionAsync(PostgresProvisioningContext context, string database)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.DrillsOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.DrillsOwner, DrillRunSchema.Create, cancellationToken);

        var manager = PostgresRoles.Identifier(DatabaseRoleNames.ChaosManager);
        await PostgresRoles.ExecuteAsync(admin, $"""
            GRANT SELECT, INSERT ON {DrillRunSchema.RunsTable}, {DrillRunSchema.StepsTable}, {DrillRunSchema.ChecksTable} TO {manager};
            GRANT UPDATE (state, reason, started_at, ended_at, owner, lease_expires_at, enabled_services, evidence) ON {DrillRunSchema.RunsTable} TO {manager};
            """, cancellationToken);
    }
}
