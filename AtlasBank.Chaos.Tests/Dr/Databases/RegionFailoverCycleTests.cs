using System.Globalization;
using System.Net;
using AtlasBank.Chaos.Tests.Dr.Routing;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.LedgerDr.Ledger;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// A failover and failback at the database level, through the controller's calls only: the writer moves to B and
/// back, A is rebuilt from B, replication from A to B resumes, and the two regions end holding the same ledger.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class RegionFailoverCycleTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan CycleBound = TimeSpan.FromMinutes(2);

    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));

    [Fact]
    public async Task TheWriterMovesToRegionBAndBackAndBothRegionsEndWithTheSameLedgerReplicatingFromA()
    {
        using var cancellation = new CancellationTokenSource(CycleBound);
        var token = cancellation.Token;
        var (_, customer) = await _primary.CreateFundedPairAsync(100m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        var (a, b) = (regions.A, regions.B);
        await Eventually.TrueAsync(async () => await a.ChecksumAsync(token) == await b.ChecksumAsync(token), RegionDatabases.ReplicationBound, "B to hold A's ledger");
        // The routing still names A: without the DR lock, the fence keeper would revoke B's grant (and end its
        // sessions) in the middle of the cycle, as it must for a real second writer.
        var routing = await RoutingAdmin.ConnectAsync(fixture);
        await routing.HoldDrLockAsync();
        try
        {
            // Failover: A fenced, B detached from A (A's slot dropped), B the writer.
            var epoch = await regions.EpochAsync(token);
            await a.FenceWritesAsync(epoch, token);
            var fenced = await a.PositionAsync(token);
            Assert.True(await b.DetachSubscriptionAsync(token));
            Assert.Null(await b.SubscriptionPositionAsync(token));
            Assert.False(await b.DetachSubscriptionAsync(token));
            Assert.True(await a.DropSlotAsync(token));
            Assert.False(await regions.SlotExistsAsync());
            await b.GrantWritesAsync(epoch, token);
            Assert.True(await b.WritesGrantedAsync(token));

            // A refuses writes; B's ledger login writes a transfer exactly as LedgerStore does.
            using (var refused = await _primary.PostTransferAsync(customer.Id, merchant.Id, 1m))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            }

            Assert.Equal(fenced.Transfers, (await a.PositionAsync(token)).Transfers);

            var onB = await WriteTransferAsync(await OfAsync(fixture, "ledgerapi-dr", "ledgerdb"), customer.Id, merchant.Id, 30m);
            Assert.Equal(new HashSet<Guid> { onB }, await b.ExistingTransferIdsAsync([onB, Guid.NewGuid()], token));
            Assert.Empty(await a.ExistingTransferIdsAsync([onB], token));
            Assert.Contains(onB, (await b.TransfersSinceAsync(DateTimeOffset.UtcNow.AddMinutes(-1), token)).Select(transfer => transfer.Id));
            Assert.NotEqual(await a.ChecksumAsync(token), await b.ChecksumAsync(token));

            // Failback: B fenced, A rebuilt from B, A's slot created, B subscribed to it, A the writer again.
            await b.FenceWritesAsync(epoch, token);
            await a.ReinitialiseFromAsync(b, token);
            Assert.Equal(await b.ChecksumAsync(token), await a.ChecksumAsync(token));
            Assert.Equal(await b.LatestTransferAtAsync(token), await a.LatestTransferAtAsync(token));
            await a.CreateSlotAsync(token);
            await b.SubscribeAsync(token);
            await a.GrantWritesAsync(epoch, token);
            Assert.True(await a.WritesGrantedAsync(token));
            Assert.False(await b.WritesGrantedAsync(token));
            await Eventually.TrueAsync(() => b.SubscriptionStreamingAsync(token), RegionDatabases.ReplicationBound, "B's new subscription streaming");

            // A transfer posted on A reaches B.
            Transfer posted;
            using (var response = await _primary.PostTransferAsync(customer.Id, merchant.Id, 5m))
            {
                Assert.Equal(HttpStatusCode.Created, response.StatusCode);
                posted = await HttpJson.ReadAsync<Transfer>(response);
            }

            await Eventually.TrueAsync(async () => (await b.ExistingTransferIdsAsync([posted.Id], token)).Count == 1,
                RegionDatabases.ReplicationBound, "the transfer posted on A to reach B");
            await Eventually.TrueAsync(async () => await a.ChecksumAsync(token) == await b.ChecksumAsync(token),
                RegionDatabases.ReplicationBound, "both regions' checksums equal");
            Assert.Equal(65m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
            Assert.Equal(35m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
        }
        finally
        {
            await regions.RestoreHomeAsync();
            await routing.ReleaseDrLockAsync();
        }
    }

    /// <summary>A transfer, its two entries and both balances, in one transaction as the given ledger login.</summary>
    private static async Task<Guid> WriteTransferAsync(string credentials, Guid from, Guid to, decimal amount)
    {
        var id = Guid.CreateVersion7();
        var value = amount.ToString(CultureInfo.InvariantCulture);
        await using var ledger = await OpenAsync(credentials);
        await using var transaction = await ledger.BeginTransactionAsync();
        await using var batch = new NpgsqlBatch(ledger, transaction)
        {
            BatchCommands =
            {
                new($"SELECT 1 FROM accounts WHERE id IN ('{from}', '{to}') ORDER BY id FOR UPDATE"),
                new($"""
                    INSERT INTO transfers (id, idempotency_key, request_hash, from_account_id, to_account_id, amount, currency, created_at)
                    VALUES ('{id}', 'cycle-{id:N}', 'test', '{from}', '{to}', {value}, 'EUR', now())
                    """),
                new($"""
                    INSERT INTO entries (id, transfer_id, account_id, amount, balance_after, created_at)
                    SELECT gen_random_uuid(), '{id}', a.id, CASE WHEN a.id = '{from}' THEN -{value} ELSE {value} END,
                           a.balance + CASE WHEN a.id = '{from}' THEN -{value} ELSE {value} END, now()
                    FROM accounts a WHERE a.id IN ('{from}', '{to}')
                    """),
                new($"UPDATE accounts SET balance = balance + CASE WHEN id = '{from}' THEN -{value} ELSE {value} END WHERE id IN ('{from}', '{to}')"),
            },
        };
        await batch.ExecuteNonQueryAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        await transaction.CommitAsync();
        return id;
    }
}
