using System.Net;
using System.Net.Http.Json;
using AtlasBank.Chaos.Tests.Dr.Routing;
using AtlasBank.Chaos.Tests.Ledger;
using Microsoft.AspNetCore.Mvc;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>The failover's fence: a region's ledger stops writing at its database, and the grant gives writing back.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class RegionFenceTests(AtlasAppFixture fixture)
{
    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));

    [Fact]
    public async Task FencingRegionAEndsItsLedgersWritesAtTheDatabaseAndGrantingWritesRestoresThem()
    {
        using var cancellation = new CancellationTokenSource(AtlasAppFixture.RequestTimeout);
        var (_, customer) = await _primary.CreateFundedPairAsync(50m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var key = LedgerClient.NewIdempotencyKey();
        var ledgerCredentials = await OfAsync(fixture, "ledgerapi", "ledgerdb");
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        // Region A stays the routing's writer: without the lock the fence keeper would give it its grant back.
        await using var drLock = await RoutingAdmin.HoldDrLockAsync(fixture);
        var epoch = await regions.EpochAsync(cancellation.Token);
        try
        {
            var fencedAt = await regions.A.FenceWritesAsync(epoch, cancellation.Token);

            Assert.Matches("^[0-9A-F]+/[0-9A-F]+$", fencedAt);
            Assert.False(await regions.A.WritesGrantedAsync(cancellation.Token));
            // Through the ledger: refused, as a 503 the caller may retry, never a 500.
            using (var refused = await _primary.PostTransferAsync(customer.Id, merchant.Id, 10m, key))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
                Assert.True(refused.Headers.RetryAfter is not null, "a fenced ledger's 503 says when to retry");
                var problem = await refused.Content.ReadFromJsonAsync<ProblemDetails>(HttpJson.Options);
                Assert.Equal("This region's ledger database does not take writes.", problem!.Title);
            }

            // At the database: the ledger's own login can no longer insert.
            await using (var ledger = await OpenAsync(ledgerCredentials))
            {
                var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(ledger,
                    $"INSERT INTO accounts (id, name, currency, created_at) VALUES ('{Guid.NewGuid()}', 'after-the-fence', 'EUR', now())"));
                Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, denied.SqlState);
            }

            await regions.A.GrantWritesAsync(epoch, cancellation.Token);

            Assert.True(await regions.A.WritesGrantedAsync(cancellation.Token));
            using (var posted = await _primary.PostTransferAsync(customer.Id, merchant.Id, 10m, key))
            {
                Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
            }

            Assert.Equal(40m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
            Assert.Equal(10m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
        }
        finally
        {
            await regions.RestoreHomeAsync();
        }
    }
}
