using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// Makes Redis and PostgreSQL servers in the mode this run uses (<see cref="InfrastructureMode"/>): Aspire's container
/// resources, pinned to <see cref="ServerVersions"/>, or local processes that look the same to every consumer. In a
/// published manifest they are always the containers.
/// </summary>
public sealed class DataServers
{
    private readonly IDistributedApplicationBuilder _builder;
    private readonly LocalBinaries? _binaries;

    private DataServers(IDistributedApplicationBuilder builder, InfrastructureMode mode, RunDirectory run, LocalBinaries? binaries)
    {
        _builder = builder;
        Mode = mode;
        Run = run;
        _binaries = binaries;
    }

    public InfrastructureMode Mode { get; }

    /// <summary>This run's folder: the servers' data in processes mode, and whatever else the app keeps per run.</summary>
    public RunDirectory Run { get; }

    /// <summary>Resolves the mode (<c>Infra:Mode</c>, probing the container runtime for <c>auto</c>) and this run's folder.</summary>
    public static async Task<DataServers> CreateAsync(IDistributedApplicationBuilder builder)
    {
        var mode = await InfrastructureModeResolver.ResolveAsync(builder);
        var run = RunDirectory.Create(builder.Configuration["Infra:DataRoot"] is { Length: > 0 } root ? root : RunDirectory.DefaultRoot);
        builder.Services.AddHostedService(provider => new RunDirectoryCleanup(run, provider.GetRequiredService<IHostApplicationLifetime>()));
        if (mode == InfrastructureMode.Containers)
        {
            return new DataServers(builder, mode, run, binaries: null);
        }

        var (binaries, problem) = await LocalBinaries.FindAsync(builder.Configuration);
        return binaries is null
            ? throw new InvalidOperationException($"{InfrastructureModeResolver.ConfigurationKey}=processes, but {problem}. {LocalBinaries.InstallHint}")
            : new DataServers(builder, mode, run, binaries);
    }

    public IResourceBuilder<IResourceWithConnectionString> AddRedis(string name) => _binaries is null
        ? _builder.AddRedis(name).WithImageTag(ServerVersions.RedisImageTag)
        : _builder.AddRedisProcess(name, _binaries, Run);

    public PostgresServer AddPostgres(string name) => _binaries is null
        ? new PostgresServer(_builder.AddPostgres(name).WithImageTag(ServerVersions.PostgresImageTag))
        : new PostgresServer(_builder.AddPostgresProcess(name, _binaries, Run));

    /// <summary>Deletes this run's data folder once the app has stopped.</summary>
    private sealed class RunDirectoryCleanup(RunDirectory run, IHostApplicationLifetime lifetime) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStopped.Register(run.Delete);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

/// <summary>A PostgreSQL server of either mode, with what the app asks of a server whichever mode runs it.</summary>
public sealed class PostgresServer
{
    /// <summary>The postgres image's data directory (its <c>PGDATA</c>) in the pinned major.</summary>
    public const string ContainerDataDirectory = "/var/lib/postgresql/data";

    private const int ContainerPort = 5432;

    internal PostgresServer(IResourceBuilder<PostgresServerResource> container) => (Resource, Container) = (container, container);

    internal PostgresServer(IResourceBuilder<ProcessPostgresServerResource> process) => (Resource, Process) = (process, process);

    /// <summary>The server as its superuser's connection string (<c>Username=postgres</c>), for the provisioning alone.</summary>
    public IResourceBuilder<IResourceWithConnectionString> Resource { get; }

    public string Name => Resource.Resource.Name;

    private IResourceBuilder<PostgresServerResource>? Container { get; }

    private IResourceBuilder<ProcessPostgresServerResource>? Process { get; }

    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name, string? databaseName = null) =>
        Container is not null ? Container.AddDatabase(name, databaseName) : Process!.AddDatabase(name, databaseName);

    /// <summary>Logical replication (a publisher or a subscriber): <c>wal_level=logical</c>.</summary>
    public PostgresServer WithLogicalReplication()
    {
        // The postgres image passes arguments that start with '-' to the server, as the local postgres takes them.
        if (Container is not null)
        {
            Container.WithArgs("-c", "wal_level=logical");
        }
        else
        {
            Process!.WithArgs("-c", "wal_level=logical");
        }

        return this;
    }

    /// <summary>An environment variable of the server process naming a file in its data directory.</summary>
    public PostgresServer WithDataFileVariable(string variable, string fileName)
    {
        if (Container is not null)
        {
            Container.WithEnvironment(variable, $"{ContainerDataDirectory}/{fileName}");
        }
        else
        {
            Process!.WithEnvironment(variable, Path.Combine(Process!.Resource.DataDirectory, fileName));
        }

        return this;
    }

    /// <summary><c>Host=…;Port=…</c> as the services reach the server (in a manifest: as the deployment does).</summary>
    public ReferenceExpression ServiceAddress => Container is not null
        ? ReferenceExpression.Create($"Host={Container.Resource.Host};Port={Container.Resource.Port}")
        : ReferenceExpression.Create($"Host=127.0.0.1;Port={Process!.Resource.Port.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// How another server of this app reaches this one (a subscriber its publisher). Run mode hands the services
    /// host-side addresses (localhost and a proxied port) that mean nothing inside another container; there the
    /// container network's name and port do. Published, the services' address is already the in-network one.
    /// </summary>
    public (ReferenceExpression Host, ReferenceExpression Port) PeerAddress
    {
        get
        {
            if (Process is not null)
            {
                return (ReferenceExpression.Create($"127.0.0.1"), ReferenceExpression.Create($"{Process.Resource.Port.ToString(CultureInfo.InvariantCulture)}"));
            }

            var container = Container!;
            return container.ApplicationBuilder.ExecutionContext.IsRunMode
                ? (ReferenceExpression.Create($"{container.Resource.Name}"), ReferenceExpression.Create($"{ContainerPort.ToString(CultureInfo.InvariantCulture)}"))
                : (ReferenceExpression.Create($"{container.Resource.Host}"), ReferenceExpression.Create($"{container.Resource.Port}"));
        }
    }
}
