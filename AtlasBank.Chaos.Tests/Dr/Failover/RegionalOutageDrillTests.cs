using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Tests.Drills.Runs;
using AtlasBank.Chaos.Tests.Replicas;
using AtlasBank.Chaos.Tests.Safety;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>The spec's Scenario 1 as a drill: region A fails, region B is promoted, the workload goes on, the bank fails back.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class RegionalOutageDrillTests(AtlasAppFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly DrClient _dr = new(fixture);
    private readonly DrillRunsClient _runs = new(fixture.CreateManagerClient(AtlasAppFixture.OperatorKey));

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public Task DisposeAsync() => _dr.RestoreHomeAsync();

    public void Dispose() => _dr.Dispose();

    [Fact]
    public async Task TheRegionalOutageDrillReportsFourRtoNumbersInOrderNoLossAndEndsHome()
    {
        var duration = BuiltInDrillRunTests.ShortDuration("regional-outage");
        var started = await _runs.StartAsync("regional-outage", $$"""{"DurationSeconds":{{duration}}}""");
        var ended = await _runs.WaitForEndAsync(started.RunId, TimeSpan.FromSeconds(duration + 90));
        Assert.True(ended.State == DrillRunStates.Passed, $"{ended.State}: {ended.Reason}");

        var report = await _runs.ReportAsync(started.RunId);
        var failover = Assert.IsType<FailoverRecord>(report.Failover);
        Assert.Equal((DrRegions.A, DrRegions.B, FailoverStates.Completed), (failover.FromRegion, failover.ToRegion, failover.State));
        Assert.True(failover.Fenced, failover.FenceDetail);
        Assert.Equal((0, RpoSources.Database), (failover.RpoTransactions, failover.RpoSource));
        double[] rto = [failover.RtoDetectionSeconds!.Value, failover.RtoPromotionSeconds!.Value, failover.RtoFirstWriteSeconds!.Value];
        Assert.Equal(rto.Order(), rto);
        Assert.NotNull(failover.RtoThroughputSeconds);

        var failback = Assert.IsType<FailoverRecord>(report.Failback);
        Assert.Equal(FailoverStates.Completed, failback.State);
        Assert.True(failback.ChecksumsEqual);
        Assert.Contains(report.Invariants, invariant => invariant.Invariant == LedgerInvariantNames.NoSplitBrain && invariant.Holds);
        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());

        // The replica that ran the drill counted it: every replica's metrics, as Prometheus sums them.
        var exposition = await new ReplicaMetrics(fixture).SummedAsync();
        var lines = exposition.Split('\n');
        Assert.Contains(lines, line => line.StartsWith("dr_failover_total{", StringComparison.Ordinal) && line.Contains("kind=\"failover\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dr_rto_seconds{", StringComparison.Ordinal) && line.Contains("phase=\"first_write\"", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dr_rpo_transactions", StringComparison.Ordinal) && !line.StartsWith('#'));
    }

    [Fact]
    public async Task ARunWhoseOwnerDiesAfterThePromotionIsAbortedByTheSurvivorWithTheBankFailedBackHome()
    {
        var duration = BuiltInDrillRunTests.ShortDuration("regional-outage");
        var started = await _runs.StartAsync("regional-outage", $$"""{"DurationSeconds":{{duration}}}""");
        var promoted = await _runs.WaitUntilAsync(started.RunId,
            run => run.Steps.Any(step => step.Kind == DrillStepKinds.Failover && step.Outcome == DrillStepOutcomes.Done), TimeSpan.FromSeconds(90), "fail over");
        // The owner names its replica as Aspire does (X-Served-By): chaos-manager-{suffix}/{pid}/{random}.
        var owner = promoted.Owner.Split('/')[0];
        var survivor = (await fixture.ReplicasAsync("chaos-manager")).First(replica => replica.Name != owner).Address;
        var survivorRuns = new DrillRunsClient(AtlasAppFixture.CreateReplicaClient(survivor, AtlasAppFixture.OperatorKey));

        ReplicaProcess.Kill(fixture, owner);
        try
        {
            var ended = await survivorRuns.WaitForEndAsync(started.RunId, TimeSpan.FromSeconds(150));

            Assert.True(ended.State == DrillRunStates.Aborted, $"{ended.State}: {ended.Reason}");
            Assert.Contains("failed the bank back home", ended.Reason, StringComparison.Ordinal);
            Assert.Contains(ended.Steps, step => step.Phase == "rollback" && step.Kind == DrillStepKinds.Failback && step.Outcome == DrillStepOutcomes.Done);
            var failback = Assert.IsType<FailoverRecord>((await survivorRuns.ReportAsync(started.RunId)).Failback);
            Assert.Equal((DrRegions.B, DrRegions.A, FailoverStates.Completed), (failback.FromRegion, failback.ToRegion, failback.State));
            Assert.True(failback.ChecksumsEqual);
            using var survivorDr = AtlasAppFixture.CreateReplicaClient(survivor, AtlasAppFixture.AdminKey);
            var state = JsonDocument.Parse(await survivorDr.GetStringAsync("/dr/state")).RootElement;
            Assert.Equal(DrRegions.A, state.GetProperty("ActiveRegion").GetString());
        }
        finally
        {
            // The suite goes on with both replicas.
            await ReplicaProcess.RestartAsync(fixture, "chaos-manager", owner);
        }
    }

    [Fact]
    public async Task WithRegionADatabaseReallyStoppedTheDrillFailsOverGoesOnOnRegionBAndFailsBackOnceItReturns()
    {
        const string drill = "test-regional-outage-database";
        var started = await _runs.StartAsync(drill);
        // The drill waits 12 s between its chaos and the promotion: region A's database is down long before.
        await _runs.WaitUntilAsync(started.RunId, run => run.Steps.Any(step => step.Kind == DrillStepKinds.BulkEnable),
            TimeSpan.FromSeconds(60), "enable the region's chaos");

        var outage = await PostgresOutage.BeginAsync(fixture, "postgres", OutageKind.Stopped);
        var stoppedAt = DateTimeOffset.UtcNow;
        DrillRun promoted;
        try
        {
            promoted = await _runs.WaitUntilAsync(started.RunId, run => run.Steps.Any(step => step.Kind == DrillStepKinds.Failover),
                TimeSpan.FromSeconds(60), "fail over");
        }
        finally
        {
            await outage.EndAsync();
        }

        Assert.Equal(DrillStepOutcomes.Done, promoted.Steps.Single(step => step.Kind == DrillStepKinds.Failover).Outcome);
        var ended = await _runs.WaitForEndAsync(started.RunId, TimeSpan.FromSeconds(150));
        Assert.True(ended.State == DrillRunStates.Passed, $"{ended.State}: {ended.Reason}");

        var failover = Assert.IsType<FailoverRecord>((await _runs.ReportAsync(started.RunId)).Failover);
        Assert.False(failover.FromDatabaseReachable, $"{failover.FenceDetail} (started {failover.StartedAt:HH:mm:ss.fff}, stopped at {stoppedAt:HH:mm:ss.fff})");
        // Region A's database could not be compared, so the loss is what the workload saw acknowledged and region B lacked.
        Assert.Equal(RpoSources.Workload, failover.RpoSource);
        Assert.NotNull(failover.RtoFirstWriteSeconds);
        Assert.Equal(DrRegions.A, (await _dr.StateAsync()).GetProperty("ActiveRegion").GetString());
    }
}
