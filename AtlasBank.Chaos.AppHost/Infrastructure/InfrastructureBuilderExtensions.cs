using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AtlasBank.Chaos.AppHost.Infrastructure;

public static class InfrastructureBuilderExtensions
{
    public const string LedgerDatabaseName = "ledgerdb";
    public const string ChaosServerName = "postgres-chaos";
    public const string ChaosDatabaseName = "chaosdb";

    public static async Task<DataServices> AddDataServicesAsync(this IDistributedApplicationBuilder builder)
    {
        var mode = await InfrastructureModeResolver.ResolveAsync(builder);
        var run = RunDirectory.Create(builder.Configuration["Infra:DataRoot"] is { Length: > 0 } root ? root : RunDirectory.DefaultRoot);
        builder.Services.AddHostedService(provider => new RunDirectoryCleanup(run, provider.GetRequiredService<IHostApplicationLifetime>()));
        return mode == InfrastructureMode.Containers
            ? builder.AddContainerDataServices(run)
            : await builder.AddProcessDataServicesAsync(run);
    }

    private static DataServices AddContainerDataServices(this IDistributedApplicationBuilder builder, RunDirectory run)
    {
        var redis = builder.AddRedis("redis");

        var postgres = builder.AddPostgres("postgres")
            // The postgres image passes arguments that start with '-' to the server.
            .WithArgs("-c", "wal_level=logical");
        var ledgerDb = postgres.AddDatabase(LedgerDatabaseName);

        // The control plane's own server: the kill switch must not share a failure domain with the system under test.
        var chaosDb = builder.AddPostgres(ChaosServerName).AddDatabase(ChaosDatabaseName);

        var postgresDr = builder.AddPostgres("postgres-dr");
        var ledgerDrDb = postgresDr.AddDatabase("ledgerdb-dr", LedgerDatabaseName);

        // Run mode hands the services host-side addresses (localhost and a proxied port) that mean nothing inside
        // the DR container; published, every address is already the in-network one.
        (string, int)? publisherOverride = builder.ExecutionContext.IsRunMode ? (postgres.Resource.Name, 5432) : null;
        return new DataServices(InfrastructureMode.Containers, redis, ledgerDb, chaosDb, ledgerDrDb, publisherOverride, run);
    }

    private static async Task<DataServices> AddProcessDataServicesAsync(this IDistributedApplicationBuilder builder, RunDirectory run)
    {
        var (binaries, problem) = await LocalBinaries.FindAsync(builder.Configuration);
        if (binaries is null)
        {
            throw new InvalidOperationException($"{InfrastructureModeResolver.ConfigurationKey}=processes, but {problem}. {LocalBinaries.InstallHint}");
        }

        var redis = builder.AddRedisProcess("redis", binaries, run);

        var postgres = builder.AddPostgresProcess("postgres", binaries, run);
        var ledgerDb = postgres.AddDatabase(LedgerDatabaseName);

        var chaosDb = builder.AddPostgresProcess(ChaosServerName, binaries, run).AddDatabase(ChaosDatabaseName);

        var postgresDr = builder.AddPostgresProcess("postgres-dr", binaries, run);
        var ledgerDrDb = postgresDr.AddDatabase("ledgerdb-dr", LedgerDatabaseName);

        return new DataServices(InfrastructureMode.Processes, redis, ledgerDb, chaosDb, ledgerDrDb, null, run);
    }

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
