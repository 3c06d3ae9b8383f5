using Npgsql;

namespace AtlasBank.Chaos.Provisioning.Postgres;

/// <summary>Runs a service's DDL as a NOLOGIN owner role, so every object it creates belongs to that role.</summary>
internal static class OwnedSchema
{
    /// <summary>In the caller's transaction (a migration's), which goes on as the superuser afterwards.</summary>
    public static async Task CreateAsync(NpgsqlConnection admin, NpgsqlTransaction transaction, string owner, string ddl, CancellationToken cancellationToken)
    {
        // PostgreSQL 15 lets nobody but the database owner create in public: the owner role gets that right, no one else.
        await PostgresRoles.ExecuteAsync(admin, $"GRANT USAGE, CREATE ON SCHEMA public TO {PostgresRoles.Identifier(owner)}", cancellationToken, transaction);
        await PostgresRoles.ExecuteAsync(admin, $"SET LOCAL ROLE {PostgresRoles.Identifier(owner)}", cancellationToken, transaction);
        await PostgresRoles.ExecuteAsync(admin, ddl, cancellationToken, transaction);
        await PostgresRoles.ExecuteAsync(admin, "RESET ROLE", cancellationToken, transaction);
    }
}
