using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// <c>chaosdb</c>'s DR journal, owned by <see cref="DatabaseRoleNames.DrJournalOwner"/>: the manager's login may add and
/// read operations and steps and move an operation on (its step, whether it passed the point of no return, its state,
/// who runs it); it can delete nothing and change no step once written.
/// </summary>
internal static class DrJournalProvisioning
{
    public static async Task ProvisionAsync(PostgresProvisioningContext context, string database)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.DrJournalOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.DrJournalOwner, DrJournalSchema.Create, cancellationToken);

        var manager = PostgresRoles.Identifier(DatabaseRoleNames.ChaosManager);
        await PostgresRoles.ExecuteAsync(admin, $"""
            GRANT SELECT, INSERT ON {DrJournalSchema.OperationsTable}, {DrJournalSchema.StepsTable} TO {manager};
            GRANT UPDATE (step, committed, state, owner, updated_at, taken_over_by) ON {DrJournalSchema.OperationsTable} TO {manager};
            """, cancellationToken);
    }
}
