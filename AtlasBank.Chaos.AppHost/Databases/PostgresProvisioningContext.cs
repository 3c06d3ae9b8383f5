using Npgsql;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>What a <see cref="PostgresProvisioningAnnotation"/> step gets: superuser connections to its server.</summary>
public sealed class PostgresProvisioningContext(IResource server, string adminConnectionString, IServiceProvider services, CancellationToken cancellationToken)
{
    public IResource Server { get; } = server;

    public IServiceProvider Services { get; } = services;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>A superuser connection to <paramref name="database"/>, opened.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = database, Pooling = false };
        var connection = new NpgsqlConnection(connectionString.ConnectionString);
        try
        {
            await connection.OpenAsync(CancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
