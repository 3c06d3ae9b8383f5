using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>Database connections as the app's services and as its superuser, for the least-privilege tests.</summary>
public static class ServiceDatabaseCredentials
{
    /// <summary>The connection string a service receives under <paramref name="connectionName"/>: exactly its own credentials.</summary>
    public static async Task<string> OfAsync(AtlasAppFixture fixture, string service, string connectionName)
    {
        var project = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProjectResource>().Single(resource => resource.Name == service);
        var configuration = await ExecutionConfigurationBuilder.Create(project)
            .WithEnvironmentVariablesConfig()
            .BuildAsync(fixture.App.Services.GetRequiredService<DistributedApplicationExecutionContext>(), NullLogger.Instance, CancellationToken.None)
            .WaitAsync(AtlasAppFixture.RequestTimeout);
        return configuration.EnvironmentVariables.Single(variable => variable.Key == $"ConnectionStrings__{connectionName}").Value;
    }

    /// <summary>An open connection; every command on it is bounded by the suite's request timeout.</summary>
    public static async Task<NpgsqlConnection> OpenAsync(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Pooling = false,
            Timeout = 10,
            CommandTimeout = (int)AtlasAppFixture.RequestTimeout.TotalSeconds,
        };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        return connection;
    }

    /// <summary>An open superuser connection to a database resource (<c>ledgerdb</c>, <c>ledgerdb-dr</c>, <c>chaosdb</c>).</summary>
    public static async Task<NpgsqlConnection> OpenAdminAsync(AtlasAppFixture fixture, string databaseResource) =>
        await OpenAsync((await fixture.App.GetConnectionStringAsync(databaseResource).AsTask().WaitAsync(AtlasAppFixture.RequestTimeout))!);

    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return await command.ExecuteScalarAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
    }

    public static async Task ExecuteAsync(NpgsqlConnection connection, string sql, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        await command.ExecuteNonQueryAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
    }
}
