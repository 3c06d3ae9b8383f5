using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.Chaos.Tests.Safety;
using AtlasBank.LedgerDr.Ledger;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>
/// Failover and failback against the real app: real PostgreSQL servers stopped or frozen, real replication paused,
/// real fences. Every test ends with the bank home again (region A writing, region B subscribed).
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class FailoverTests(AtlasAppFixture fixture) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DrClient _dr = new(fixture);

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public Task DisposeAsync() => _dr.RestoreHomeAsync();

    public void Dispose() => _dr.Dispose();

    [Fact]
    public async Task APlannedSwitchoverAndFailbackLoseNothingAndEndAsTheyBegan()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(500m);
        var onA = await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 10m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 490m, Bound);

        using var failover = await _dr.FailoverAsync("planned switchover test");
        var record = await DrClient.ReadRecordAsync(failover);
        Assert.Equal(DrRegions.A, record.GetProperty("FromRegion").GetString());
        Assert.Equal(DrRegions.B, record.GetProperty("ToRegion").GetString());
        Assert.True(record.GetProperty("Fenced").GetBoolean(), record.GetProperty("FenceDetail").GetString());
        Assert.True(record.GetProperty("FromDatabaseReachable").GetBoolean());
        Assert.Equal(0, record.GetProperty("RpoTransactions").GetInt32());
        Assert.Equal(RpoSourceDatabase, record.GetProperty("RpoSource").GetString());
        Assert.Equal(0m, record.GetProperty("RpoAmount").GetDecimal());
        Assert.NotEqual(JsonValueKind.Null, record.GetProperty("CompletedAt").ValueKind);
        Assert.True(record.GetProperty("LagBytesAtFault").GetInt64() >= 0);

        var state = await _dr.StateAsync();
        Assert.Equal(DrRegions.B, state.GetProperty("ActiveRegion").GetString());
        Assert.Equal(record.GetProperty("FailoverId").GetString(), state.GetProperty("FailoverId").GetString());

        // Region B writes; region A refuses, at its ledger and (fenced) in its database.
        var onB = await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 20m);
        var transfersOnA = await CountAsync("ledgerdb");
        using (var refused = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 1m))
        {
            Assert.True(refused.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.ServiceUnavailable, $"region A answered {(int)refused.StatusCode}");
        }

        Assert.Equal(transfersOnA, await CountAsync("ledgerdb"));

        using var failback = await _dr.FailbackAsync();
        var back = await DrClient.ReadRecordAsync(failback);
        Assert.Equal("completed", back.GetProperty("State").GetString());
        Assert.True(back.GetProperty("ChecksumsEqual").GetBoolean());
        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());

        // Region A holds what region B took while it wrote, each transfer once, and replicates to region B again.
        Assert.Equal(470m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", onB.IdempotencyKey!));
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", onA.IdempotencyKey!));
        await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 5m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 465m, Bound);
        await Eventually.TrueAsync(async () => await _dr.RegionA.GetChecksumAsync() == await _dr.RegionB.GetChecksumAsync(), Bound, "the two regions' ledger checksums did not become equal");
    }

    [Fact]
    public async Task WithRegionADatabaseStoppedRegionBIsPromotedWritesGoOnAndRtoIsReported()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);

        var outage = await PostgresOutage.BeginAsync(fixture, "postgres", OutageKind.Stopped);
        JsonElement record;
        try
        {
            using var failover = await _dr.FailoverAsync("region A's database is down", acceptDataLoss: true);
            record = await DrClient.ReadRecordAsync(failover);
            await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 25m);
        }
        finally
        {
            await outage.EndAsync();
        }

        Assert.False(record.GetProperty("FromDatabaseReachable").GetBoolean());
        Assert.False(record.GetProperty("LossKnown").GetBoolean());
        Assert.True(record.GetProperty("AcceptedDataLoss").GetBoolean());
        // Its database was away, so its ledger's word is the fence until the keeper revokes the grant.
        Assert.True(record.GetProperty("Fenced").GetBoolean(), record.GetProperty("FenceDetail").GetString());
        Assert.True(record.GetProperty("FromLedgerConfirmedFence").GetBoolean());
        Assert.True(record.GetProperty("RtoPromotionSeconds").GetDouble() > 0);
        Assert.Equal(75m, (await _dr.RegionB.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task TransfersAcknowledgedWhileReplicationIsPausedBlockPromotionUntilDataLossIsAcceptedAndFailbackPostsEachOnce()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(1_000m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 1_000m, Bound);
        await _dr.PauseReplicationAsync();

        var stranded = new List<Transfer>();
        for (var i = 1; i <= 5; i++)
        {
            stranded.Add(await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, i));
        }

        // Without consent, a replica known to lack acknowledged transfers is not promoted: 409 with the measured loss,
        // and region A writes again.
        using (var refused = await _dr.FailoverAsync("replication paused"))
        {
            var problem = await DrClient.ReadRecordAsync(refused, HttpStatusCode.Conflict);
            Assert.Contains("AcceptDataLoss", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            var measured = problem.GetProperty("failover");
            Assert.Equal("refused", measured.GetProperty("State").GetString());
            Assert.Equal(5, measured.GetProperty("RpoTransactions").GetInt32());
            Assert.Equal(15m, measured.GetProperty("RpoAmount").GetDecimal());
        }

        var state = await _dr.StateAsync();
        Assert.Equal(DrRegions.A, state.GetProperty("ActiveRegion").GetString());
        Assert.False(state.GetProperty("Switching").GetBoolean());
        // Its ledger's pooled sessions were ended by the fence: its first answer after may be a retryable 503.
        var sixthKey = LedgerClient.NewIdempotencyKey();
        Transfer? sixth = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 6m, sixthKey);
            sixth = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<Transfer>(LedgerClient.Json) : null;
            return sixth is not null;
        }, Bound, "region A to take writes again after the refused failover");
        stranded.Add(sixth!);

        using var failover = await _dr.FailoverAsync("replication paused", acceptDataLoss: true);
        var record = await DrClient.ReadRecordAsync(failover);
        Assert.True(record.GetProperty("AcceptedDataLoss").GetBoolean());
        Assert.Equal(6, record.GetProperty("RpoTransactions").GetInt32());
        Assert.Equal(21m, record.GetProperty("RpoAmount").GetDecimal());
        Assert.Equal(
            stranded.Select(transfer => transfer.Id).Order(),
            record.GetProperty("RpoTransferIds").EnumerateArray().Select(id => id.GetGuid()).Order());
        Assert.Equal(1_000m, (await _dr.RegionB.GetAccountAsync(customer.Id))!.Balance);

        using var failback = await _dr.FailbackAsync();
        var back = await DrClient.ReadRecordAsync(failback);
        var reconciliation = back.GetProperty("Reconciliation").EnumerateArray().ToList();
        Assert.Equal(6, reconciliation.Count);
        Assert.All(reconciliation, result => Assert.Equal("posted", result.GetProperty("Outcome").GetString()));

        // Posted once each, in both regions; reconciling again sends nothing.
        using var again = await _dr.ReconcileAsync();
        Assert.All((await DrClient.ReadRecordAsync(again)).GetProperty("Reconciliation").EnumerateArray(),
            result => Assert.Equal("posted", result.GetProperty("Outcome").GetString()));
        foreach (var transfer in stranded)
        {
            Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", transfer.IdempotencyKey!));
        }

        Assert.Equal(979m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 979m, Bound);
        foreach (var transfer in stranded)
        {
            Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb-dr", transfer.IdempotencyKey!));
        }
    }

    [Fact]
    public async Task AFailbackWithATransferTheWriterCanNoLongerAffordAnswers409ListingItAndTruncatesNothing()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);
        await _dr.PauseReplicationAsync();
        var stranded = await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 60m);

        using var failover = await _dr.FailoverAsync("replication paused", acceptDataLoss: true);
        Assert.Equal(1, (await DrClient.ReadRecordAsync(failover)).GetProperty("RpoTransactions").GetInt32());
        // While region B writes, the customer spends what region B believes is there.
        await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 50m);

        using (var refused = await _dr.FailbackAsync())
        {
            var problem = await DrClient.ReadRecordAsync(refused, HttpStatusCode.Conflict);
            var result = Assert.Single(problem.GetProperty("unreconciled").EnumerateArray());
            Assert.Equal(stranded.Id, result.GetProperty("TransferId").GetGuid());
            Assert.Equal("manual-review", result.GetProperty("Outcome").GetString());
            Assert.Contains("Insufficient funds", result.GetProperty("Reason").GetString(), StringComparison.Ordinal);
            Assert.Contains(stranded.Id.ToString(), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Nothing was rebuilt: region A still holds the transfer, region B still writes.
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", stranded.IdempotencyKey!));
        Assert.Equal(DrRegions.B, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());

        // Once the writer can afford it, the failback posts it and comes home.
        await _dr.RegionB.PostAcknowledgedAsync(funding.Id, customer.Id, 60m);
        using var failback = await _dr.FailbackAsync();
        var back = await DrClient.ReadRecordAsync(failback);
        Assert.Contains(back.GetProperty("Reconciliation").EnumerateArray(),
            result => result.GetProperty("TransferId").GetGuid() == stranded.Id && result.GetProperty("Outcome").GetString() == "posted");
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", stranded.IdempotencyKey!));
        Assert.Equal(50m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task InSyncModeTheSameSequenceLosesNothingBecauseNoneOfTheFiveIsAcknowledged()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(1_000m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 1_000m, Bound);
        await _dr.ScalarAsync("ledgerdb", $"ALTER SYSTEM SET synchronous_standby_names = '\"{LedgerReplication.SubscriptionName}\"'");
        await _dr.ScalarAsync("ledgerdb", "SELECT pg_reload_conf()");

        // With region B applying, a transfer is acknowledged once region B has it: sync mode serves.
        await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 1m);
        Assert.Equal(999m, (await _dr.RegionB.GetAccountAsync(customer.Id))!.Balance);
        await _dr.PauseReplicationAsync();

        // Each commit waits for region B, which no longer applies anything: no answer comes.
        using var impatient = fixture.CreateClient("ledgerapi");
        impatient.Timeout = TimeSpan.FromSeconds(2);
        var client = new LedgerClient(impatient);
        var keys = Enumerable.Range(1, 5).Select(_ => LedgerClient.NewIdempotencyKey()).ToList();
        foreach (var (key, amount) in keys.Select((key, i) => (key, i + 1m)))
        {
            try
            {
                using var response = await client.PostTransferAsync(customer.Id, funding.Id, amount, key);
                Assert.Fail($"A transfer was answered {(int)response.StatusCode} while its commit could not reach region B.");
            }
            catch (TaskCanceledException)
            {
                // Not acknowledged, as sync mode promises.
            }
        }

        using var failover = await _dr.FailoverAsync("sync mode, replication paused");
        var record = await DrClient.ReadRecordAsync(failover);
        Assert.Equal("sync", record.GetProperty("Mode").GetString());
        Assert.Equal(0, record.GetProperty("RpoTransactions").GetInt32());
        Assert.Empty(record.GetProperty("RpoTransferIds").EnumerateArray());
        // Each committed on region A when its wait was cancelled: listed, none acknowledged.
        var listed = record.GetProperty("Stranded").EnumerateArray().ToList();
        Assert.Equal(keys.Order(), listed.Select(transfer => transfer.GetProperty("IdempotencyKey").GetString()).Order());
        Assert.All(listed, transfer => Assert.False(transfer.GetProperty("Acknowledged").GetBoolean()));
        Assert.Equal(999m, (await _dr.RegionB.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task AFailoverWhileOneIsInProgressAnswers409NamingIt()
    {
        // Region A's database hangs, so the first failover spends its fence bound on it: long enough to ask again.
        var outage = await PostgresOutage.BeginAsync(fixture, "postgres", OutageKind.Frozen);
        try
        {
            var first = _dr.FailoverAsync("first", acceptDataLoss: true);
            var state = default(JsonElement);
            await Eventually.TrueAsync(async () => (state = await _dr.StateAsync()).GetProperty("InProgress").ValueKind == JsonValueKind.String,
                Bound, "the first failover never showed as in progress");

            using (var second = await _dr.FailoverAsync("second"))
            {
                var problem = await DrClient.ReadRecordAsync(second, HttpStatusCode.Conflict);
                Assert.Equal(state.GetProperty("InProgress").GetString(), problem.GetProperty("runningFailoverId").GetString());
            }

            using var firstResponse = await first;
            var record = await DrClient.ReadRecordAsync(firstResponse);
            Assert.False(record.GetProperty("FromDatabaseReachable").GetBoolean());
            Assert.Equal(DrRegions.B, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
        }
        finally
        {
            await outage.EndAsync();
        }
    }

    [Fact]
    public async Task FailbackWhenRegionAIsTheWriterAnswers409AndAViewerCannotFailOver()
    {
        using var failback = await _dr.FailbackAsync();
        Assert.Equal(HttpStatusCode.Conflict, failback.StatusCode);

        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);
        using var refused = await viewer.PostAsync("/dr/failover", null);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using var badBody = await _dr.Operator.PostAsync("/dr/failover", JsonContent.Create(new { Reason = "", Extra = 1 }));
        Assert.Equal(HttpStatusCode.BadRequest, badBody.StatusCode);
        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
    }

    private const string RpoSourceDatabase = "database";

    private Task<long> CountAsync(string database) => _dr.ScalarAsync(database, "SELECT count(*) FROM transfers").ContinueWith(task => (long)task.Result!, TaskScheduler.Default);
}
