using Npgsql;

namespace AtlasBank.Chaos.Provisioning.Postgres;

/// <summary>One server, reached as its superuser: every provisioning step opens its own connection to one of its databases.</summary>
public sealed class ServerConnection(string name, string superuserConnectionString)
{
    public string Name { get; } = name;

    /// <summary>A superuser connection to <paramref name="database"/>, opened (no pooling: provisioning runs once).</summary>
    public async Task<NpgsqlConnection> OpenAsync(string database, CancellationToken cancellationToken)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(superuserConnectionString) { Database = database, Pooling = false, Timeout = 5 };
        var connection = new NpgsqlConnection(connectionString.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Creates <paramref name="database"/> where missing (Aspire's container resource does so only in run mode; a
    /// deployment has nobody else), and closes the maintenance databases: PostgreSQL lets every role connect to
    /// <c>postgres</c> and <c>template1</c>, and a service login has nothing to do there.
    /// </summary>
    public async Task EnsureDatabaseAsync(string database, CancellationToken cancellationToken)
    {
        await using var admin = await OpenAsync("postgres", cancellationToken);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", admin))
        {
            exists.Parameters.Add(new() { Value = database });
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await PostgresRoles.ExecuteAsync(admin, $"CREATE DATABASE {PostgresRoles.Identifier(database)}", cancellationToken);
            }
        }

        await PostgresRoles.ExecuteAsync(admin, "REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC", cancellationToken);
    }
}
