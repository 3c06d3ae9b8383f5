using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Tests.Replicas;
using Npgsql;
using Xunit.Abstractions;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>
/// A failover or failback is a recorded state machine: its coordinator writes each step to the DR journal (chaosdb)
/// before it runs it, under a lease it renews. Killed (SIGKILL) at any step, a surviving replica takes it over within
/// the lease and finishes it (from its point of no return on) or undoes it, and the bank takes writes again.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class CoordinatorKilledTests(AtlasAppFixture fixture, ITestOutputHelper output) : IAsyncLifetime, IDisposable
{
    /// <summary>The issue's bound: after the kill, the routing says "switching" (no region writes) no longer than this.</summary>
    private static readonly TimeSpan SwitchingBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const int StepPauseSeconds = 2;
    private const string LedgerChecksum = "SELECT md5(string_agg(id::text || ':' || balance::text, ',' ORDER BY id)) FROM accounts";

    private readonly DrClient _dr = new(fixture);

    public static TheoryData<string, string> Steps()
    {
        var steps = new TheoryData<string, string>();
        foreach (var step in DrStepNames.Failover)
        {
            steps.Add(FailoverKinds.Failover, step);
        }

        foreach (var step in DrStepNames.Failback)
        {
            steps.Add(FailoverKinds.Failback, step);
        }

        return steps;
    }

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public Task DisposeAsync() => _dr.RestoreHomeAsync();

    public void Dispose() => _dr.Dispose();

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task KilledAtAnyStepTheSwitchIsFinishedOrUndoneByTheSurvivorAndNoAcknowledgedTransferIsLost(string kind, string step)
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);
        var acknowledged = new List<Guid> { (await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 1m)).Id };
        if (kind == FailoverKinds.Failback)
        {
            using (var failover = await _dr.FailoverAsync("before the failback whose coordinator is killed"))
            {
                await DrClient.ReadRecordAsync(failover);
            }

            acknowledged.Add((await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 2m)).Id);
        }

        var replicas = await fixture.ReplicasAsync("chaos-manager");
        var (coordinator, survivor) = (replicas[0], replicas[1]);
        using var coordinatorClient = AtlasAppFixture.CreateReplicaClient(coordinator.Address, AtlasAppFixture.AdminKey);
        var request = coordinatorClient.PostAsJsonAsync($"/dr/{kind}", new { Reason = $"killed at {step}", StepPauseSeconds });
        await using var chaosdb = await OpenAdminAsync(fixture, "chaosdb");
        var failoverId = await WaitForStepAsync(chaosdb, kind, step, request);

        ReplicaProcess.Kill(fixture, coordinator.Name);
        var killedAt = DateTimeOffset.UtcNow;
        try
        {
            await Assert.ThrowsAnyAsync<HttpRequestException>(() => request.WaitAsync(Bound));
            using var survivorClient = AtlasAppFixture.CreateReplicaClient(survivor.Address, AtlasAppFixture.AdminKey);
            JsonElement record = default;
            await Eventually.TrueAsync(async () =>
            {
                // The journal has it before Redis: killed between the two, the record appears with the takeover.
                using var found = await survivorClient.GetAsync($"/dr/failovers/{failoverId}");
                if (found.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    return false;
                }

                record = JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement;
                var state = JsonDocument.Parse(await survivorClient.GetStringAsync("/dr/state")).RootElement;
                return record.GetProperty("State").GetString() != FailoverStates.Running && !state.GetProperty("Switching").GetBoolean();
            }, SwitchingBound, $"the {kind} cut short at {step} to be taken over");
            var tookOver = DateTimeOffset.UtcNow - killedAt;

            var committed = DrStepNames.Committed(kind, step);
            Assert.Equal(committed ? FailoverStates.Completed : FailoverStates.RolledBack, record.GetProperty("State").GetString());
            Assert.StartsWith(survivor.Name + "/", record.GetProperty("TakenOverBy").GetString(), StringComparison.Ordinal);
            Assert.Equal(step, record.GetProperty("TakenOverAtStep").GetString());
            output.WriteLine($"{kind} killed at {step}: {record.GetProperty("State").GetString()} by {record.GetProperty("TakenOverBy").GetString()}, routing settled {tookOver.TotalSeconds:0.0} s after the kill");
            Assert.True(tookOver < SwitchingBound, $"taken over {tookOver.TotalSeconds:0.0} s after the kill");

            // Exactly the region the routing names holds the write grant, and takes a write.
            var writer = (kind, committed) switch
            {
                (FailoverKinds.Failover, true) or (FailoverKinds.Failback, false) => DrRegions.B,
                _ => DrRegions.A,
            };
            var routing = JsonDocument.Parse(await survivorClient.GetStringAsync("/dr/state")).RootElement;
            Assert.Equal(writer, routing.GetProperty("ActiveRegion").GetString());
            Assert.Equal(writer == DrRegions.A, await _dr.ScalarAsync("ledgerdb", "SELECT dr.writes_granted()"));
            Assert.Equal(writer == DrRegions.B, await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.writes_granted()"));
            var ledger = writer == DrRegions.A ? _dr.RegionA : _dr.RegionB;
            acknowledged.Add((await ledger.PostAcknowledgedAsync(customer.Id, funding.Id, 4m)).Id);
            foreach (var transfer in acknowledged)
            {
                Assert.Equal(1L, await _dr.ScalarAsync(writer == DrRegions.A ? "ledgerdb" : "ledgerdb-dr", "SELECT count(*) FROM transfers WHERE id = $1", transfer));
            }

            // The journal names the takeover after the step the coordinator recorded last.
            var steps = await JournalStepsAsync(chaosdb, failoverId);
            Assert.Equal(step, steps[^3].Step);
            Assert.Equal(("taken-over", true), (steps[^2].Step, steps[^2].Owner.StartsWith(survivor.Name + "/", StringComparison.Ordinal)));
            Assert.Equal(record.GetProperty("State").GetString(), steps[^1].Step);
        }
        finally
        {
            await ReplicaProcess.RestartAsync(fixture, "chaos-manager", coordinator.Name);
        }

        // Home again, both regions holding the same ledger with every acknowledged transfer once.
        await _dr.RestoreHomeAsync();
        foreach (var transfer in acknowledged)
        {
            Assert.Equal(1L, await _dr.ScalarAsync("ledgerdb", "SELECT count(*) FROM transfers WHERE id = $1", transfer));
        }

        Assert.Equal(kind == FailoverKinds.Failback ? 93m : 95m, (await _dr.RegionA.GetAccountAsync(customer.Id))!.Balance);
        await Eventually.TrueAsync(async () => Equals(await _dr.ScalarAsync("ledgerdb", LedgerChecksum), await _dr.ScalarAsync("ledgerdb-dr", LedgerChecksum)),
            Bound, "both regions to hold the same balances");
    }

    [Fact]
    public async Task ACoordinatorFrozenPastItsLeaseWakesToFindItsFailoverUndoneAndChangesNothingMore()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(100m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 100m, Bound);
        var replicas = await fixture.ReplicasAsync("chaos-manager");
        var (coordinator, survivor) = (replicas[0], replicas[1]);
        using var coordinatorClient = AtlasAppFixture.CreateReplicaClient(coordinator.Address, AtlasAppFixture.AdminKey);
        var request = coordinatorClient.PostAsJsonAsync("/dr/failover", new { Reason = "frozen at fence", StepPauseSeconds });
        await using var chaosdb = await OpenAdminAsync(fixture, "chaosdb");
        var failoverId = await WaitForStepAsync(chaosdb, FailoverKinds.Failover, DrStepNames.Fence, request);

        var frozen = ReplicaProcess.Freeze(fixture, coordinator.Name);
        using var survivorClient = AtlasAppFixture.CreateReplicaClient(survivor.Address, AtlasAppFixture.AdminKey);
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                using var found = await survivorClient.GetAsync($"/dr/failovers/{failoverId}");
                return found.IsSuccessStatusCode
                    && JsonDocument.Parse(await found.Content.ReadAsStringAsync()).RootElement.GetProperty("State").GetString() == FailoverStates.RolledBack;
            }, SwitchingBound, "the survivor to undo the frozen coordinator's failover");
        }
        finally
        {
            ReplicaProcess.Thaw(frozen);
        }

        // Awake, it learns its lease is gone before its next step and stops there.
        using var answer = await request.WaitAsync(Bound);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.Contains("lease", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var state = JsonDocument.Parse(await survivorClient.GetStringAsync("/dr/state")).RootElement;
        Assert.Equal((DrRegions.A, false), (state.GetProperty("ActiveRegion").GetString(), state.GetProperty("Switching").GetBoolean()));
        Assert.Equal(true, await _dr.ScalarAsync("ledgerdb", "SELECT dr.writes_granted()"));
        Assert.Equal(false, await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.writes_granted()"));
        Assert.Equal(1L, await _dr.ScalarAsync("ledgerdb-dr", "SELECT count(*) FROM pg_subscription"));
        var steps = await JournalStepsAsync(chaosdb, failoverId);
        Assert.Equal(FailoverStates.RolledBack, steps[^1].Step);
        await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 1m);
    }

    /// <summary>The id of the running operation once the journal says it is at <paramref name="step"/> (recorded, not yet run).</summary>
    private static async Task<string> WaitForStepAsync(NpgsqlConnection chaosdb, string kind, string step, Task<HttpResponseMessage> request)
    {
        string? failoverId = null;
        await Eventually.TrueAsync(async () =>
        {
            if (request.IsCompleted)
            {
                using var answer = await request;
                Assert.Fail($"the {kind} ended before its coordinator reached {step}: {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync()}");
            }

            failoverId = (string?)await ScalarAsync(chaosdb,
                $"SELECT failover_id FROM {DrJournalSchema.OperationsTable} WHERE state = 'running' AND kind = '{kind}' AND step = '{step}'");
            return failoverId is not null;
        }, TimeSpan.FromSeconds(60), $"the {kind} to reach {step}");
        return failoverId!;
    }

    private static async Task<List<(string Step, string Owner)>> JournalStepsAsync(NpgsqlConnection chaosdb, string failoverId)
    {
        await using var command = new NpgsqlCommand($"SELECT step, owner FROM {DrJournalSchema.StepsTable} WHERE failover_id = $1 ORDER BY seq", chaosdb);
        command.Parameters.Add(new() { Value = failoverId });
        await using var reader = await command.ExecuteReaderAsync();
        var steps = new List<(string, string)>();
        while (await reader.ReadAsync())
        {
            steps.Add((reader.GetString(0), reader.GetString(1)));
        }

        return steps;
    }
}
