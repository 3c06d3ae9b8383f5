using AtlasBank.Chaos.Contracts.Audit;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// <c>chaosdb</c>: the audit table owned by <see cref="DatabaseRoleNames.AuditOwner"/>; the manager's login may
/// append and read, and cannot change, delete, truncate, alter it or switch its trigger off (all need the owner).
/// </summary>
internal static class AuditProvisioning
{
    public static async Task ProvisionAsync(PostgresProvisioningContext context, string database, ParameterResource managerPassword)
    {
        var cancellationToken = context.CancellationToken;
        await using var admin = await context.OpenAsync(database);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.AuditOwner, PostgresRoles.NoLogin, null, cancellationToken);
        await PostgresRoles.EnsureAsync(admin, DatabaseRoleNames.ChaosManager, PostgresRoles.Login, await managerPassword.GetValueAsync(cancellationToken), cancellationToken);

        await OwnedSchema.CreateAsync(admin, DatabaseRoleNames.AuditOwner, AuditSchema.Create, cancellationToken);

        var manager = PostgresRoles.Identifier(DatabaseRoleNames.ChaosManager);
        await PostgresRoles.ExecuteAsync(admin, $"""
            REVOKE ALL ON DATABASE {PostgresRoles.Identifier(database)} FROM PUBLIC;
            GRANT CONNECT ON DATABASE {PostgresRoles.Identifier(database)} TO {manager};
            GRANT USAGE ON SCHEMA public TO {manager};
            GRANT SELECT, INSERT ON {AuditSchema.TableName} TO {manager};
            GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {manager};
            """, cancellationToken);
    }
}
