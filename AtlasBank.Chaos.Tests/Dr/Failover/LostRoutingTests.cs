using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Tests.Dr.Routing;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>
/// Redis is where every process reads the routing, not where DR's truth lives: each region's database records its
/// role and the epoch of every fence and grant, and the manager rebuilds a lost routing from them.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class LostRoutingTests(AtlasAppFixture fixture) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DrClient _dr = new(fixture);

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public Task DisposeAsync() => _dr.RestoreHomeAsync();

    public void Dispose() => _dr.Dispose();

    [Fact]
    public async Task EachRegionDatabaseRecordsTheRoleAndEpochOfEverySwitch()
    {
        var (_, customer) = await _dr.RegionA.CreateFundedPairAsync(50m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 50m, Bound);

        using var failover = await _dr.FailoverAsync("records the switch in both databases");
        await DrClient.ReadRecordAsync(failover);
        var epoch = (await _dr.StateAsync()).GetProperty("Epoch").GetInt64();

        Assert.Equal(("writer", epoch), await RoleAsync("ledgerdb-dr"));
        Assert.Equal(("fenced", epoch - 1), await RoleAsync("ledgerdb"));
    }

    [Fact]
    public async Task AfterRedisLostTheRoutingTheNextFailoverFollowsTheDatabasesAndEveryLedgerTakesItsEpoch()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);
        using (var failover = await _dr.FailoverAsync("a cycle before Redis loses the routing"))
        {
            await DrClient.ReadRecordAsync(failover);
        }

        using (var failback = await _dr.FailbackAsync())
        {
            await DrClient.ReadRecordAsync(failback);
        }

        var before = (await _dr.StateAsync()).GetProperty("Epoch").GetInt64();
        var routing = await RoutingAdmin.ConnectAsync(fixture);
        await routing.ReplaceRawAsync(null);

        using (var failover = await _dr.FailoverAsync("the first failover after Redis lost the routing"))
        {
            var record = await DrClient.ReadRecordAsync(failover);
            Assert.Equal((DrRegions.A, DrRegions.B), (record.GetProperty("FromRegion").GetString(), record.GetProperty("ToRegion").GetString()));
        }

        var state = await _dr.StateAsync();
        Assert.Equal(DrRegions.B, state.GetProperty("ActiveRegion").GetString());
        var after = state.GetProperty("Epoch").GetInt64();
        Assert.True(after > before, $"the epoch after the loss ({after}) is above the one every process held ({before})");
        Assert.Equal(("writer", after), await RoleAsync("ledgerdb-dr"));
        // Both ledgers took the new epoch: region B writes, region A sends writes to it.
        await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 5m);
        using var refused = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 5m);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains($"{DrRegions.B} is the active region", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<(string Role, long Epoch)> RoleAsync(string database) =>
        ((string)(await _dr.ScalarAsync(database, "SELECT role FROM dr.role()"))!, (long)(await _dr.ScalarAsync(database, "SELECT epoch FROM dr.role()"))!);
}
