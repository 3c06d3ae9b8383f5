using AtlasBank.Chaos.Contracts.Provisioning;
using Npgsql;

namespace AtlasBank.Chaos.Provisioning.Postgres;

/// <summary>
/// A database's record of what was applied (<see cref="ProvisionedSchema.AppliedTable"/>): a version is applied once, in the
/// transaction that records it, so an upgrade applies only what is new and a half-applied version applies again.
/// </summary>
public static class ProvisionedVersions
{
    /// <summary>One numbered change to a database's schema.</summary>
    public sealed record Migration(int Version, string Description, Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task> Apply);

    /// <summary>The version the database holds, creating the record (readable by every login of the database) where missing.</summary>
    public static async Task<long> CurrentAsync(NpgsqlConnection admin, CancellationToken cancellationToken)
    {
        await PostgresRoles.ExecuteAsync(admin, $"""
            CREATE SCHEMA IF NOT EXISTS provisioning AUTHORIZATION CURRENT_USER;
            CREATE TABLE IF NOT EXISTS {ProvisionedSchema.AppliedTable} (
                version int PRIMARY KEY CHECK (version > 0),
                description text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now());
            GRANT USAGE ON SCHEMA provisioning TO PUBLIC;
            REVOKE ALL ON {ProvisionedSchema.AppliedTable} FROM PUBLIC;
            GRANT SELECT ON {ProvisionedSchema.AppliedTable} TO PUBLIC;
            """, cancellationToken);
        await using var version = new NpgsqlCommand(ProvisionedSchema.VersionQuery, admin);
        return Convert.ToInt64(await version.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Applies, in order, each migration newer than <paramref name="current"/>, each with its record in one transaction.</summary>
    public static async Task<IReadOnlyList<Migration>> ApplyAsync(
        NpgsqlConnection admin, long current, IReadOnlyList<Migration> migrations, CancellationToken cancellationToken)
    {
        var applied = new List<Migration>();
        foreach (var migration in migrations.Where(migration => migration.Version > current).OrderBy(migration => migration.Version))
        {
            await using var transaction = await admin.BeginTransactionAsync(cancellationToken);
            await migration.Apply(admin, transaction, cancellationToken);
            await using (var record = new NpgsqlCommand(
                $"INSERT INTO {ProvisionedSchema.AppliedTable} (version, description) VALUES ($1, $2)", admin, transaction))
            {
                record.Parameters.Add(new() { Value = migration.Version });
                record.Parameters.Add(new() { Value = migration.Description });
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
        }

        return applied;
    }
}
