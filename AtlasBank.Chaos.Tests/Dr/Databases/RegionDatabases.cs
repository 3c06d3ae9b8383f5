using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// Both regions' databases as the manager's failover controller reaches them: its own connection strings, the
/// settings <see cref="DrDatabaseOptions"/> gives them, and a way back to the home state every test ends in.
/// </summary>
public sealed class RegionDatabases : IAsyncDisposable
{
    /// <summary>How long replication and a new subscription's apply worker (up to wal_retrieve_retry_interval, 5 s) may take.</summary>
    public static readonly TimeSpan ReplicationBound = TimeSpan.FromSeconds(30);

    private readonly AtlasAppFixture _fixture;
    private readonly NpgsqlDataSource[] _dataSources;

    private RegionDatabases(AtlasAppFixture fixture, LedgerRegionDatabase a, LedgerRegionDatabase b, NpgsqlDataSource[] dataSources) =>
        (_fixture, A, B, _dataSources) = (fixture, a, b, dataSources);

    public LedgerRegionDatabase A { get; }

    public LedgerRegionDatabase B { get; }

    public static DrDatabaseOptions Options { get; } = new();

    public static async Task<RegionDatabases> CreateAsync(AtlasAppFixture fixture)
    {
        var a = await DataSourceAsync(fixture, DrDatabaseOptions.RegionAConnectionName);
        var b = await DataSourceAsync(fixture, DrDatabaseOptions.RegionBConnectionName);
        return new RegionDatabases(fixture, new LedgerRegionDatabase(DrRegions.A, a, Options), new LedgerRegionDatabase(DrRegions.B, b, Options), [a, b]);
    }

    /// <summary>
    /// The newest epoch either region's database records: a test that moves a grant by hand does it at this epoch,
    /// as the fence keeper would (an older one is refused).
    /// </summary>
    public async Task<long> EpochAsync(CancellationToken cancellationToken) =>
        Math.Max((await A.RoleAsync(cancellationToken)).Epoch, (await B.RoleAsync(cancellationToken)).Epoch);

    /// <summary>The controller's connection string as the manager receives it, under <paramref name="connectionName"/>.</summary>
    public static Task<string> ConnectionStringAsync(AtlasAppFixture fixture, string connectionName) =>
        OfAsync(fixture, "chaos-manager", connectionName);

    /// <summary>
    /// Back to the home state: A writes, B does not, B subscribed to A and streaming, both holding the same ledger.
    /// When anything else holds, B is rebuilt from A and subscribed again.
    /// </summary>
    public async Task RestoreHomeAsync()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var token = cancellation.Token;
        var home = await A.WritesGrantedAsync(token) && !await B.WritesGrantedAsync(token) && await B.SubscriptionPositionAsync(token) is not null;
        if (!home)
        {
            var epoch = await EpochAsync(token);
            await B.FenceWritesAsync(epoch, token);
            await A.FenceWritesAsync(epoch, token);
            await B.DetachSubscriptionAsync(token);
            await Eventually.TrueAsync(async () => !await SlotExistsAsync() || await A.DropSlotAsync(token), ReplicationBound, "region A's slot dropped");
            await B.ReinitialiseFromAsync(A, token);
            await A.CreateSlotAsync(token);
            await B.SubscribeAsync(token);
            await A.GrantWritesAsync(epoch, token);
        }

        await Eventually.TrueAsync(() => B.SubscriptionStreamingAsync(token), ReplicationBound, "region B's subscription streaming");
        await Eventually.TrueAsync(async () => await A.ChecksumAsync(token) == await B.ChecksumAsync(token), ReplicationBound, "both regions' checksums equal");

        // A fence ends the ledgers' pooled sessions: each ledger's next request is refused (503) and drops its pool.
        // Leave both serving, as the next test expects them (as PostgresOutage.EndAsync does after an outage).
        foreach (var ledger in new[] { "ledgerapi", "ledgerapi-dr" })
        {
            using var client = _fixture.CreateClient(ledger);
            await Eventually.TrueAsync(async () =>
            {
                using var response = await client.GetAsync("/ledger/checksum", token);
                return response.IsSuccessStatusCode;
            }, ReplicationBound, $"{ledger} to serve /ledger/checksum again");
        }
    }

    /// <summary>Region A's slot, as its superuser sees it.</summary>
    public async Task<bool> SlotExistsAsync()
    {
        await using var admin = await OpenAdminAsync(_fixture, "ledgerdb");
        return await ScalarAsync(admin, "SELECT 1 FROM pg_replication_slots WHERE slot_name = 'ledger_dr_sub'") is not null;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var dataSource in _dataSources)
        {
            await dataSource.DisposeAsync();
        }
    }

    private static async Task<NpgsqlDataSource> DataSourceAsync(AtlasAppFixture fixture, string connectionName)
    {
        var builder = new NpgsqlDataSourceBuilder(await ConnectionStringAsync(fixture, connectionName));
        Options.Configure(builder.ConnectionStringBuilder);
        return builder.Build();
    }
}
