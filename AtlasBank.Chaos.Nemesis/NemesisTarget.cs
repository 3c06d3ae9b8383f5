using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// The running app the nemesis works on (processes mode: real postgres and redis-server processes it can signal),
/// reached as an operator reaches it: the manager's DR API with an admin key, each ledger database as its superuser.
/// The benchmark's app and the test suite's fixture both hand theirs in.
/// </summary>
public sealed class NemesisTarget : IDisposable
{
    public const string RegionADatabase = "ledgerdb";
    public const string RegionBDatabase = "ledgerdb-dr";
    public const string RegionAServer = "postgres";
    public const string RegionBServer = "postgres-dr";
    public const string Manager = "chaos-manager";
    public const string Redis = "redis";

    public static readonly TimeSpan DrCallTimeout = TimeSpan.FromSeconds(120);

    private NemesisTarget(
        DistributedApplication app, HttpClient manager, string adminKey, string regionA, string regionB, string redis, IReadOnlyList<string> managerReplicas)
    {
        App = app;
        AdminKey = adminKey;
        RedisConnectionString = redis;
        ManagerClient = manager;
        RegionAConnectionString = regionA;
        RegionBConnectionString = regionB;
        ManagerReplicas = managerReplicas;
    }

    public DistributedApplication App { get; }

    /// <summary>The manager through the resource's shared address (either replica answers), with the admin key.</summary>
    public HttpClient ManagerClient { get; }

    public string AdminKey { get; }

    /// <summary>Redis as its administrator: what deletes the routing, as a restart without persistence would.</summary>
    public string RedisConnectionString { get; }

    /// <summary>Superuser, unpooled (a server the nemesis restarted leaves pooled connections dead), short timeouts.</summary>
    public string RegionAConnectionString { get; }

    public string RegionBConnectionString { get; }

    /// <summary>The manager's replicas by Aspire's names, in name order, as they ran when the nemesis connected.</summary>
    public IReadOnlyList<string> ManagerReplicas { get; }

    public static async Task<NemesisTarget> ConnectAsync(DistributedApplication app, string adminKey, CancellationToken cancellationToken)
    {
        var manager = app.CreateHttpClient(Manager);
        manager.Timeout = DrCallTimeout;
        manager.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        var replicaCount = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == Manager)
            .TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
        var running = await app.ResourceNotifications.RunningReplicaEventsAsync(Manager, replicaCount, cancellationToken);
        return new NemesisTarget(app, manager, adminKey,
            await SuperuserAsync(app, RegionADatabase, cancellationToken), await SuperuserAsync(app, RegionBDatabase, cancellationToken),
            await app.GetConnectionStringAsync(Redis, cancellationToken) ?? throw new InvalidOperationException("No connection string for redis."),
            [.. running.Select(replica => replica.ResourceId)]);
    }

    public string ConnectionString(string database) => database == RegionADatabase ? RegionAConnectionString : RegionBConnectionString;

    /// <summary>The data folder of one of the app's PostgreSQL servers (its postmaster.pid names the postmaster).</summary>
    public string DataDirectory(string server) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProcessPostgresServerResource>().Single(r => r.Name == server).DataDirectory;

    private static async Task<string> SuperuserAsync(DistributedApplication app, string database, CancellationToken cancellationToken)
    {
        var connectionString = await app.GetConnectionStringAsync(database, cancellationToken)
            ?? throw new InvalidOperationException($"No connection string for {database}.");
        return new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3, CommandTimeout = 5 }.ConnectionString;
    }

    public void Dispose() => ManagerClient.Dispose();
}
