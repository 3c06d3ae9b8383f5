using System.Net;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Tests.Dr.Databases;
using AtlasBank.Chaos.Tests.Dr.Routing;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.Chaos.Tests.Safety;
using AtlasBank.LedgerDr.Ledger;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>
/// Failover and failback inside the faults they exist for — region A's database frozen during the switch, a sync-mode
/// commit racing its caller's timeout, a second failover — each against the real app with real servers frozen and real
/// replication paused. Whatever happens, no acknowledged transfer is lost and none is posted twice.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class FailoverUnderFaultTests(AtlasAppFixture fixture) : IAsyncLifetime, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly DrClient _dr = new(fixture);

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public async Task DisposeAsync()
    {
        await SynchronousReplication.SetAsync(fixture, synchronous: false);
        await _dr.RestoreHomeAsync();
    }

    public void Dispose() => _dr.Dispose();

    [Fact]
    public async Task TransfersRegionAAcknowledgedBeforeItsDatabaseFrozeDuringTheFailoverAreAllHomeAfterTheFailback()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(500m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 500m, Bound);
        await _dr.PauseReplicationAsync();
        var acknowledged = new List<Transfer>();
        for (var i = 1; i <= 3; i++)
        {
            acknowledged.Add(await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 10m * i));
        }

        var outage = await PostgresOutage.BeginAsync(fixture, "postgres", OutageKind.Frozen);
        try
        {
            using var failover = await _dr.FailoverAsync("region A's database hangs", acceptDataLoss: true);
            var record = await DrClient.ReadRecordAsync(failover);
            // It could not read region A, so it captured nothing: only the failback can find the three.
            Assert.False(record.GetProperty("FromDatabaseReachable").GetBoolean());
            Assert.Empty(record.GetProperty("Stranded").EnumerateArray());
        }
        finally
        {
            await outage.EndAsync();
        }

        using var failback = await _dr.FailbackAsync();
        var back = await DrClient.ReadRecordAsync(failback);
        Assert.True(back.GetProperty("ChecksumsEqual").GetBoolean());
        foreach (var transfer in acknowledged)
        {
            Assert.Contains(back.GetProperty("Reconciliation").EnumerateArray(), result => result.GetProperty("TransferId").GetGuid() == transfer.Id);
            Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", transfer.IdempotencyKey!));
        }

        Assert.Equal(440m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 440m, Bound);
    }

    [Fact]
    public async Task InSyncModeAKeyedRetryOfACommitDrHasNotConfirmedAnswers503AndNoAcknowledgedTransferIsLost()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(1_000m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 1_000m, Bound);
        await SynchronousReplication.SetAsync(fixture, synchronous: true);
        var confirmed = await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 1m);
        await _dr.PauseReplicationAsync();

        // The caller gives up mid-commit: the commit stays on region A, waiting for DR that applies nothing.
        var key = LedgerClient.NewIdempotencyKey();
        using (var impatient = fixture.CreateClient("ledgerapi"))
        {
            impatient.Timeout = TimeSpan.FromSeconds(2);
            await Assert.ThrowsAsync<TaskCanceledException>(() => new LedgerClient(impatient).PostTransferAsync(customer.Id, funding.Id, 7m, key));
        }

        await Eventually.TrueAsync(async () => await _dr.CountTransfersWithKeyAsync("ledgerdb", key) == 1, Bound, "the abandoned commit to stay on region A");

        // Its keyed retry finds it, but DR never confirmed it: not acknowledged.
        using (var retry = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 7m, key))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
            Assert.NotNull(retry.Headers.RetryAfter);
            Assert.False(retry.Headers.Contains("Idempotent-Replayed"));
        }

        using var failover = await _dr.FailoverAsync("sync mode, DR's apply paused");
        var record = await DrClient.ReadRecordAsync(failover);
        Assert.Equal("sync", record.GetProperty("Mode").GetString());
        Assert.Equal(0, record.GetProperty("RpoTransactions").GetInt32());
        var listed = Assert.Single(record.GetProperty("Stranded").EnumerateArray());
        Assert.Equal(key, listed.GetProperty("IdempotencyKey").GetString());
        Assert.False(listed.GetProperty("Acknowledged").GetBoolean());
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb-dr", confirmed.IdempotencyKey!));

        using var failback = await _dr.FailbackAsync();
        await DrClient.ReadRecordAsync(failback);
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", key));
        Assert.Equal(992m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
    }

    [Fact]
    public async Task TransfersAcknowledgedBeforeSyncModeTookEffectStillCountInTheRpo()
    {
        // Found by the nemesis (seed 00013EgjMrb3): sync mode switched on over a paused replica made the failover
        // report RPO 0 for transfers acknowledged asynchronously just before.
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);
        await _dr.PauseReplicationAsync();
        var acknowledged = await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 4m);
        await _dr.ScalarAsync("ledgerdb", $"ALTER SYSTEM SET synchronous_standby_names = '{SynchronousReplication.StandbyNames}'");
        await _dr.ScalarAsync("ledgerdb", "SELECT pg_reload_conf()");
        await SynchronousReplication.WaitUntilCommitsWaitForAStandbyAsync(fixture);

        using (var refused = await _dr.FailoverAsync("sync mode over a paused replica"))
        {
            var measured = (await DrClient.ReadRecordAsync(refused, HttpStatusCode.Conflict)).GetProperty("failover");
            Assert.Equal("sync", measured.GetProperty("Mode").GetString());
            Assert.Equal(1, measured.GetProperty("RpoTransactions").GetInt32());
            Assert.Equal(acknowledged.Id, Assert.Single(measured.GetProperty("RpoTransferIds").EnumerateArray()).GetGuid());
        }

        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
    }

    [Fact]
    public async Task AFenceThatLandsOnRegionAAfterItsFailoverWasRefusedIsUndoneAndRegionATakesWritesAgain()
    {
        // Found by the nemesis: a failover refused while region A's database hung (its loss unmeasurable) left A the
        // writer, but the fence it had sent into A's pooled session ran when A thawed, and nothing gave A its grant
        // back: the routing said A, A refused every write. Here the late fence lands as the superuser's call.
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await NameRegionAInTheRoutingAsync();
        await _dr.ScalarAsync("ledgerdb", "SELECT dr.fence_writes((SELECT epoch FROM dr.role()))");
        var state = await _dr.StateAsync();
        Assert.Equal(DrRegions.A, state.GetProperty("ActiveRegion").GetString());
        Assert.False(state.GetProperty("Switching").GetBoolean());

        var key = LedgerClient.NewIdempotencyKey();
        await Eventually.TrueAsync(async () =>
        {
            using var response = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 1m, key);
            return response.StatusCode == HttpStatusCode.Created;
        }, Bound, "region A, the routing's writer, to take a write again");
        Assert.Equal(true, await _dr.ScalarAsync("ledgerdb-dr", "SELECT NOT dr.writes_granted()"));
    }

    [Fact]
    public async Task AFenceFromAnOlderEpochIsRefusedByRegionADatabaseAndRegionAKeepsWriting()
    {
        // The same late fence, as the database sees it since it records each switch's epoch: the refused failover's
        // fence carries an epoch below the one its undoing granted region A at.
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        var recorded = (long)(await _dr.ScalarAsync("ledgerdb", "SELECT epoch FROM dr.role()"))!;

        var refused = await Assert.ThrowsAsync<Npgsql.PostgresException>(
            () => _dr.ScalarAsync("ledgerdb", $"SELECT dr.fence_writes({recorded - 1})"));

        Assert.Equal("DR001", refused.SqlState);
        Assert.Equal(true, await _dr.ScalarAsync("ledgerdb", "SELECT dr.writes_granted()"));
        Assert.Equal("writer", await _dr.ScalarAsync("ledgerdb", "SELECT role FROM dr.role()"));
        await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 1m);
    }

    [Fact]
    public async Task ARegionHoldingTheWriteGrantWhileTheOtherIsTheWriterLosesItAndTheWriterKeepsIts()
    {
        // As an old writer whose database was down during the failover, then answers again still granted.
        await NameRegionAInTheRoutingAsync();
        await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.grant_writes((SELECT epoch FROM dr.role()))");

        await Eventually.TrueAsync(async () => await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.writes_granted()") is false,
            Bound, "the fence keeper to revoke region B's grant");
        Assert.Equal(true, await _dr.ScalarAsync("ledgerdb", "SELECT dr.writes_granted()"));
        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
    }

    [Fact]
    public async Task ASecondFailoverWhileRegionBWritesIsRefusedBecauseRegionAIsAStaleCopy()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(200m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 200m, Bound);
        using (var first = await _dr.FailoverAsync("planned switchover"))
        {
            await DrClient.ReadRecordAsync(first);
        }

        var onB = await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 25m);
        var state = await _dr.StateAsync();
        Assert.False(state.GetProperty("DrReplicating").GetBoolean());
        Assert.Contains("stale copy", state.GetProperty("DrReplicationIssue").GetString(), StringComparison.Ordinal);

        using (var second = await _dr.FailoverAsync("a second failover", acceptDataLoss: true))
        {
            var problem = await DrClient.ReadRecordAsync(second, HttpStatusCode.Conflict);
            Assert.Contains("stale copy", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains("POST /dr/failback", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        // Nothing moved: region B writes on, and the transfer it took comes home with the failback.
        Assert.Equal(DrRegions.B, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
        await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 5m);
        using var failback = await _dr.FailbackAsync();
        await DrClient.ReadRecordAsync(failback);
        Assert.Equal(1L, await _dr.CountTransfersWithKeyAsync("ledgerdb", onB.IdempotencyKey!));
        Assert.Equal(170m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
        await Eventually.TrueAsync(async () => (await _dr.StateAsync()).GetProperty("DrReplicating").GetBoolean(), Bound, "DR replicating again after the failback");
    }

    /// <summary>
    /// The routing in Redis names region A, as after any failover or failback: the fence keeper moves no grant while
    /// Redis holds none (a bank that never failed over, or a lost key).
    /// </summary>
    private async Task NameRegionAInTheRoutingAsync() => await (await RoutingAdmin.ConnectAsync(fixture)).SetAsync(DrRegions.A);
}
