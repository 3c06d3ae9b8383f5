using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.Tests.Chaos;

namespace AtlasBank.Chaos.Tests.Drills.Workload;

/// <summary>The drills' bank workload against the real ledger, through the pipeline chaos acts on.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class BankWorkloadTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrBound = TimeSpan.FromSeconds(30);
    private static readonly Uri TransfersOnLedger = new("http://ledgerapi/transfers");

    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));
    private DrillWorkloadHost? _drills;

    private DrillWorkloadHost Drills => _drills!;

    public async Task InitializeAsync()
    {
        await _manager.DisableEverythingAsync();
        _drills = await DrillWorkloadHost.StartAsync(fixture);
    }

    public async Task DisposeAsync()
    {
        await _manager.DisableEverythingAsync();
        if (_drills is not null)
        {
            await _drills.DisposeAsync();
        }
    }

    [Fact]
    public async Task AShortWorkloadAcknowledgesTransfersAndEveryInvariantHoldsIncludingDrConvergence()
    {
        var workload = await Drills.PrepareAsync(new WorkloadPlan(RatePerSecond: 10, Clients: 4, Accounts: 5));
        var requests = Finished(workload);

        await workload.RunAsync(10, 4, TimeSpan.FromSeconds(3), CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);

        // Open-loop: rate × duration requests were sent, however the ledger answered, each under its own key.
        Assert.Equal(30, requests.Count);
        Assert.Equal(30, requests.Select(request => request.IdempotencyKey).Distinct().Count());
        Assert.All(requests, request => Assert.True(request.Outcome == WorkloadOutcomes.Acknowledged, $"{request.IdempotencyKey}: {request.Outcome} {request.Detail}"));
        Assert.All(requests, request => Assert.NotNull(request.TransferId));
        Assert.All(requests, request => Assert.NotEqual(request.From, request.To));
        Assert.All(requests, request => Assert.Contains(request.From, workload.AccountIds));
        Assert.False(workload.IsRunning);

        var summary = workload.Summary();
        Assert.Equal((30L, 30L, 0L, 0L), (summary.Requests, summary.Acknowledged, summary.Rejected, summary.Unknown));
        Assert.Equal(5 * new WorkloadOptions().OpeningBalance, summary.FundedTotal);
        Assert.True(summary.ThroughputPerSecond > 0);
        Assert.Equal(30, workload.Timeline().Sum(second => second.Acknowledged));
        Assert.Equal(Enumerable.Range(0, workload.Timeline().Count), workload.Timeline().Select(second => second.Second));
        Assert.Equal(0, workload.Window(TimeSpan.FromMinutes(1)).ErrorRate);

        var invariants = await Drills.Checker.CheckAsync(workload, final: true, CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        // DR convergence is waited for on its own below; no-split-brain is checked only after a failover.
        Assert.Equal(LedgerInvariantNames.All.Where(name => name is not (LedgerInvariantNames.DrConverges or LedgerInvariantNames.NoSplitBrain)),
            invariants.Select(result => result.Invariant));
        Assert.All(invariants, result => Assert.True(result.Holds, $"{result.Invariant}: {result.Evidence}"));

        var (converged, seconds) = await Drills.Checker.WaitForDrConvergenceAsync(workload, DrBound, CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        Assert.True(converged.Holds, converged.Evidence);
        Assert.NotNull(seconds);
        Assert.Contains("equal the primary's", converged.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LedgerFailureChaosMakesEveryRequestUnknownNoneAcknowledgedAndEveryUnknownResolves()
    {
        var workload = await Drills.PrepareAsync(new WorkloadPlan(RatePerSecond: 10, Clients: 2, Accounts: 4));
        var requests = Finished(workload);
        try
        {
            await EnableLedgerFailureAsync();

            await workload.RunAsync(10, 2, TimeSpan.FromSeconds(2), CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        }
        finally
        {
            await _manager.DisableEverythingAsync();
        }

        Assert.Equal(20, requests.Count);
        Assert.All(requests, request => Assert.Equal(WorkloadOutcomes.Unknown, request.Outcome));
        Assert.All(requests, request => Assert.Contains($"chaos: {ChaosHeaders.Fault}", request.Detail, StringComparison.Ordinal));
        Assert.Equal(1.0, workload.Window(TimeSpan.FromMinutes(1)).ErrorRate);

        var invariants = await Drills.Checker.CheckAsync(workload, final: true, CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        Assert.All(invariants, result => Assert.True(result.Holds, $"{result.Invariant}: {result.Evidence}"));
        var resolved = invariants.Single(result => result.Invariant == LedgerInvariantNames.UnknownResolved);
        // The chaos handler answered in the caller's process: not one of them reached the ledger.
        Assert.Equal("20 unknown outcomes looked up by Idempotency-Key: 0 exist once, 20 absent", resolved.Evidence);
    }

    [Fact]
    public async Task PreparingWhileTheLedgerFailsThrowsSayingWhatTheLedgerAnswered()
    {
        try
        {
            await EnableLedgerFailureAsync();

            var failed = await Assert.ThrowsAsync<WorkloadPreparationException>(() => Drills.PrepareAsync(new WorkloadPlan(10, 2, 2)));

            Assert.Contains("503", failed.Message, StringComparison.Ordinal);
            Assert.Contains($"chaos: {ChaosHeaders.Fault}", failed.Message, StringComparison.Ordinal);
        }
        finally
        {
            await _manager.DisableEverythingAsync();
        }
    }

    /// <summary>Every request the workload finishes from now on, as its subscribers see them: the workload keeps no list of them.</summary>
    private static List<WorkloadRequest> Finished(BankWorkload workload)
    {
        var requests = new List<WorkloadRequest>();
        workload.RequestFinished += request => { lock (requests) { requests.Add(request); } };
        return requests;
    }

    /// <summary>Ledger failure at rate 1.0 through the manager's API, once it reached the workload's process.</summary>
    private async Task EnableLedgerFailureAsync()
    {
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
        await Eventually.TrueAsync(() => Task.FromResult(Drills.Host.ChaosView.Match(TransfersOnLedger) is not null),
            PropagationBound, "ledger failure to reach the workload's process");
    }
}
