using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// Adds Redis and PostgreSQL as local processes that expose the same connection strings as Aspire's container
/// resources, so the services cannot tell which mode they run in. Nothing here knows the app: a server is a server.
/// </summary>
public static class ProcessInfrastructureBuilderExtensions
{
    private const string EndpointName = "tcp";
    private static readonly TimeSpan InitDbTimeout = TimeSpan.FromMinutes(2);

    public static IResourceBuilder<ProcessRedisResource> AddRedisProcess(
        this IDistributedApplicationBuilder builder, string name, LocalBinaries binaries, RunDirectory run)
    {
        var resource = new ProcessRedisResource(name, binaries.RedisServer, run.Subdirectory(name), LoopbackPort.Free(), NewPassword());

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            $"127.0.0.1:{resource.Port.ToString(CultureInfo.InvariantCulture)},password={resource.Password},abortConnect=false,connectTimeout=2000",
            name: healthCheckKey);

        return builder.AddResource(resource)
            // The password goes into a config file, not the command line, so it shows neither in `ps` nor the dashboard.
            .WithArgs(resource.ConfigFile)
            .WithEndpoint(port: resource.Port, targetPort: resource.Port, scheme: "tcp", name: EndpointName, isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Database")
            .OnBeforeResourceStarted((redis, _, cancellationToken) => WriteRedisConfigAsync(redis, cancellationToken))
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<ProcessPostgresServerResource> AddPostgresProcess(
        this IDistributedApplicationBuilder builder, string name, LocalBinaries binaries, RunDirectory run)
    {
        // As root, through setpriv (PostgresOsUser), which replaces itself, so the orchestrator's stop signal reaches postgres.
        var (command, asPostgresUser) = PostgresOsUser.Wrap([binaries.Postgres]);
        // Named as Aspire's container resource names it, so the operator sets (or reads) it the same way in both modes.
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password");
        builder.AddResource(password);
        var resource = new ProcessPostgresServerResource(name, command, run.Subdirectory(name), LoopbackPort.Free(), password, binaries);

        var arguments = new List<string>(asPostgresUser);
        arguments.AddRange([
            "-D", resource.DataDirectory,
            "-p", resource.Port.ToString(CultureInfo.InvariantCulture),
            "-k", resource.SocketDirectory,
            "-c", "listen_addresses=127.0.0.1",
        ]);

        var healthCheckKey = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(_ => resource.AdminConnectionString, name: healthCheckKey);

        return builder.AddResource(resource)
            .WithArgs([.. arguments])
            .WithEndpoint(port: resource.Port, targetPort: resource.Port, scheme: "tcp", name: EndpointName, isProxied: false)
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Database")
            .OnBeforeResourceStarted((server, _, cancellationToken) => InitializeDataDirectoryAsync(server, cancellationToken))
            .OnResourceReady((server, readyEvent, cancellationToken) => CreateDatabasesAsync(server, readyEvent.Services, cancellationToken))
            .ExcludeFromManifest();
    }

    public static IResourceBuilder<ProcessPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<ProcessPostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new ProcessPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);

        var healthCheckKey = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => $"{server.Resource.AdminConnectionString};Database={database.DatabaseName}", name: healthCheckKey);

        // A database child of a non-container server never reaches Running on its own (WaitFor on it would
        // hang): it starts Waiting and is moved to Running once the server is ready and the database exists.
        return server.ApplicationBuilder.AddResource(database)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "PostgresDatabaseResource",
                State = KnownResourceStates.Waiting,
                Properties = [],
            })
            .WithHealthCheck(healthCheckKey)
            .WithIconName("Database")
            .ExcludeFromManifest();
    }

    private static async Task WriteRedisConfigAsync(ProcessRedisResource redis, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(redis.DataDirectory);
        string[] lines =
        [
            $"port {redis.Port.ToString(CultureInfo.InvariantCulture)}",
            "bind 127.0.0.1",
            "protected-mode yes",
            $"dir {redis.DataDirectory}",
            $"requirepass {redis.Password}",
            // Chaos state must survive a Redis restart within a run.
            "appendonly yes",
            "daemonize no",
            // What the app adds (its ACL users, say), after the defaults.
            .. await RedisConfigDirectivesAnnotation.AllAsync(redis, cancellationToken),
        ];
        await File.WriteAllLinesAsync(redis.ConfigFile, lines, cancellationToken);
        UnixPermissions.Set(redis.ConfigFile, UnixPermissions.OwnerOnly);
    }

    private static async Task InitializeDataDirectoryAsync(ProcessPostgresServerResource server, CancellationToken cancellationToken)
    {
        await server.ResolvePasswordAsync(cancellationToken);
        if (File.Exists(Path.Combine(server.DataDirectory, "PG_VERSION")))
        {
            return; // A restart from the dashboard keeps the data.
        }

        // Only the server's user may enter its folders: the socket directory above all, or any local user could
        // reach the socket (which asks for a password too, below).
        Directory.CreateDirectory(server.DataRoot);
        UnixPermissions.Set(server.DataRoot, UnixPermissions.OwnerOnlyDirectory);
        Directory.CreateDirectory(server.SocketDirectory);
        UnixPermissions.Set(server.SocketDirectory, UnixPermissions.OwnerOnlyDirectory);
        var passwordFile = Path.Combine(server.DataRoot, "pwfile");
        await File.WriteAllTextAsync(passwordFile, server.Password, cancellationToken);
        UnixPermissions.Set(passwordFile, UnixPermissions.OwnerOnly);
        try
        {
            string[] initDb =
            [
                server.Binaries.InitDb,
                "-D", server.DataDirectory,
                "-U", ProcessPostgresServerResource.SuperUser,
                $"--pwfile={passwordFile}",
                "--auth-local=scram-sha-256",
                "--auth-host=scram-sha-256",
                "--encoding=UTF8",
                "--no-locale",
            ];

            await PostgresOsUser.RunCheckedAsync(server.DataRoot, initDb, InitDbTimeout, cancellationToken);
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static async Task CreateDatabasesAsync(ProcessPostgresServerResource server, IServiceProvider services, CancellationToken cancellationToken)
    {
        var notifications = services.GetRequiredService<ResourceNotificationService>();
        await using var connection = new NpgsqlConnection(server.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);

        foreach (var database in server.Databases)
        {
            await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
            {
                exists.Parameters.AddWithValue("name", database.DatabaseName);
                if (await exists.ExecuteScalarAsync(cancellationToken) is null)
                {
                    var quoted = "\"" + database.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                    await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                    await create.ExecuteNonQueryAsync(cancellationToken);
                }
            }
        }

        // As Aspire's container resource does in run mode: the database exists once it is Running; its roles and
        // tables are the app's provisioning's.
        foreach (var database in server.Databases)
        {
            await notifications.PublishUpdateAsync(database, snapshot => snapshot with
            {
                State = KnownResourceStates.Running,
                StartTimeStamp = DateTime.UtcNow,
            });
        }
    }

    private static string NewPassword() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
