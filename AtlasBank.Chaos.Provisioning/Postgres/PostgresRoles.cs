using Npgsql;

namespace AtlasBank.Chaos.Provisioning.Postgres;

/// <summary>Idempotent role and privilege statements, run as the superuser.</summary>
internal static class PostgresRoles
{
    /// <summary>A login that can do nothing by itself: no superuser, no DDL on the cluster, no replication.</summary>
    public const string Login = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    /// <summary>An owner of objects that nobody logs in as: only the superuser (SET ROLE) acts as it.</summary>
    public const string NoLogin = "NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS";

    /// <summary>A login allowed to stream WAL (logical replication), and nothing else cluster-wide.</summary>
    public const string ReplicationLogin = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE REPLICATION NOBYPASSRLS";

    /// <summary>
    /// Creates the role if missing and (re)sets its attributes and password every time, so a changed password
    /// parameter takes effect at the next start. The statement carries a SCRAM verifier, never the password.
    /// </summary>
    public static async Task EnsureAsync(NpgsqlConnection connection, string role, string attributes, string? password, CancellationToken cancellationToken)
    {
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_roles WHERE rolname = $1", connection))
        {
            exists.Parameters.Add(new() { Value = role });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await ExecuteAsync(connection, $"CREATE ROLE {Identifier(role)}", cancellationToken);
            }
        }

        var passwordClause = password is null ? "PASSWORD NULL" : $"PASSWORD {Literal(ScramSha256Verifier.Compute(password))}";
        await ExecuteAsync(connection, $"ALTER ROLE {Identifier(role)} WITH {attributes} {passwordClause}", cancellationToken);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
