using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Tests.Dr.Routing;
using AtlasBank.Chaos.Tests.Ledger;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// The rebuild is the database's own function, not the controller's rows: it refuses to replace a ledger that still
/// takes writes, or one holding a transfer the copy lacks, and leaves it exactly as it was.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class RebuildRefusalTests(AtlasAppFixture fixture)
{
    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));

    [Fact]
    public async Task ARegionThatStillTakesWritesIsNotRebuilt()
    {
        using var cancellation = new CancellationTokenSource(AtlasAppFixture.RequestTimeout);
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        var before = await regions.A.ChecksumAsync(cancellation.Token);

        var refused = await Assert.ThrowsAsync<RegionRefusedException>(() => regions.A.ReinitialiseFromAsync(regions.B, cancellation.Token));

        Assert.Contains("fence it", refused.Message, StringComparison.Ordinal);
        Assert.Equal(before, await regions.A.ChecksumAsync(cancellation.Token));
        Assert.True(await regions.A.WritesGrantedAsync(cancellation.Token));
    }

    [Fact]
    public async Task AFencedRegionHoldingATransferTheCopyLacksIsNotRebuiltAndKeepsIt()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var (funding, customer) = await _primary.CreateFundedPairAsync(100m);
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        await Eventually.TrueAsync(async () => await regions.A.ChecksumAsync(cancellation.Token) == await regions.B.ChecksumAsync(cancellation.Token),
            RegionDatabases.ReplicationBound, "B to hold A's ledger");
        await using (var admin = await OpenAdminAsync(fixture, "ledgerdb-dr"))
        {
            await ExecuteAsync(admin, "ALTER SUBSCRIPTION ledger_dr_sub DISABLE");
        }

        // Region A stays the routing's writer: without the lock the fence keeper would give it its grant back.
        await using var drLock = await RoutingAdmin.HoldDrLockAsync(fixture);
        var epoch = await regions.EpochAsync(cancellation.Token);
        try
        {
            var key = LedgerClient.NewIdempotencyKey();
            using (var response = await _primary.PostTransferAsync(customer.Id, funding.Id, 30m, key))
            {
                Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            }

            await regions.A.FenceWritesAsync(epoch, cancellation.Token);
            var before = await regions.A.ChecksumAsync(cancellation.Token);

            var refused = await Assert.ThrowsAsync<RegionRefusedException>(() => regions.A.ReinitialiseFromAsync(regions.B, cancellation.Token));

            Assert.Contains("1 transfer(s)", refused.Message, StringComparison.Ordinal);
            Assert.Equal(before, await regions.A.ChecksumAsync(cancellation.Token));
            await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
            Assert.Equal(1L, await ScalarAsync(admin, $"SELECT count(*) FROM transfers WHERE idempotency_key = '{key}'"));
        }
        finally
        {
            await regions.A.GrantWritesAsync(epoch, cancellation.Token);
            await using (var admin = await OpenAdminAsync(fixture, "ledgerdb-dr"))
            {
                await ExecuteAsync(admin, "ALTER SUBSCRIPTION ledger_dr_sub ENABLE");
            }

            await regions.RestoreHomeAsync();
        }
    }
}
