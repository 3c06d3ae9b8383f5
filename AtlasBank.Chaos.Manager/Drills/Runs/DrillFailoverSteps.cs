using System.Globalization;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// A drill's failover and failback: promotion (automatic, on the detector's word, or at once), the RPO from the
/// workload's own acknowledgements when the old writer's database cannot be compared, the RTO to the first write
/// and to throughput back at 90 %, and the check that no transfer of the run was accepted by both regions.
/// </summary>
public sealed class DrillFailoverSteps(
    FailoverCoordinator failovers,
    FailbackCoordinator failbacks,
    RegionFaultDetector detector,
    DrStateStore store,
    LedgerRegionDatabases databases,
    DrMetrics metrics,
    TimeProvider timeProvider)
{
    /// <summary>Throughput counts as back when a second's acknowledgements reach this share of the seconds before the fault.</summary>
    public const double RecoveredShare = 0.9;

    public async Task<string> FailoverAsync(DrillRunContext run, FailoverStep step, CancellationToken cancellationToken)
    {
        var routing = await store.ReadRoutingAsync();
        var faultAt = run.LastChaosEnabledAt ?? timeProvider.GetUtcNow();
        var detectedAt = timeProvider.GetUtcNow();
        if (step.Automatic)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(TimeSpan.FromSeconds(step.DetectionTimeoutSeconds));
            try
            {
                detectedAt = await detector.WaitUntilDownAsync(routing.ActiveRegion, bound.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new DrUnavailableException($"{routing.ActiveRegion} was not found down within {step.DetectionTimeoutSeconds} s, so nothing was promoted.");
            }
        }

        var record = await failovers.FailoverAsync(new FailoverCommand(
            $"{ReasonOf(run.RunId)}{run.Drill.Name}), {(step.Automatic ? "automatic" : "manual")} promotion", run.StartedBy, run.StartedByRole, faultAt, detectedAt,
            step.AcceptDataLoss));
        run.Failover = record = await WithWorkloadRpoAsync(run, record, cancellationToken);
        return string.Create(CultureInfo.InvariantCulture,
            $"{record.FromRegion} to {record.ToRegion}: detected after {record.RtoDetectionSeconds:0.00} s, promoted after {record.RtoPromotionSeconds:0.00} s; fenced {record.Fenced}; RPO {record.RpoTransactions} ({record.RpoSource})");
    }

    public async Task<string> FailbackAsync(DrillRunContext run, CancellationToken cancellationToken)
    {
        if (run.Failover is { } failover)
        {
            run.Failover = await MeasureRecoveryAsync(run, failover);
            await CheckNoSplitBrainAsync(run, failover, cancellationToken);
        }

        var record = await failbacks.FailbackAsync(new FailoverCommand($"drill run {run.RunId} ({run.Drill.Name})", run.StartedBy, run.StartedByRole));
        run.Failback = record;
        var reconciled = record.Reconciliation.GroupBy(result => result.Outcome).Select(group => $"{group.Count()} {group.Key}");
        return $"{record.FromRegion} to {record.ToRegion}: checksums equal {record.ChecksumsEqual}; reconciled {(record.Reconciliation.Count == 0 ? "nothing" : string.Join(", ", reconciled))}";
    }

    /// <summary>How a run's failover reason begins (its drill's name follows): how a replica taking an orphaned run over finds it.</summary>
    public static string ReasonOf(string runId) => $"drill run {runId} (";

    /// <summary>
    /// For a run whose owner died: its completed failover when the bank is still on the region it promoted, so its
    /// rollback fails back (<see cref="OwesFailback"/>); null when the run did not fail over or someone brought the bank back.
    /// </summary>
    public async Task<FailoverRecord?> StillFailedOverByAsync(string runId)
    {
        var routing = await store.ReadRoutingAsync();
        var newest = await store.ListAsync(1, FailoverKinds.Failover);
        var latest = newest.Count > 0 ? newest[0] : null;
        return routing.ActiveRegion != DrRegions.Home && latest is { State: FailoverStates.Completed } && latest.ToRegion == routing.ActiveRegion
               && latest.Reason?.StartsWith(ReasonOf(runId), StringComparison.Ordinal) == true
            ? latest
            : null;
    }

    /// <summary>
    /// Whether the run's newest failover is still running: its owner died mid-switch, and the DR takeover has not
    /// finished or undone it yet. Rolling the run back now would decide from a half-switched bank.
    /// </summary>
    public async Task<bool> SwitchUnfinishedAsync(string runId) =>
        (await store.ListAsync(1, FailoverKinds.Failover)) is [{ State: FailoverStates.Running } running]
        && running.Reason?.StartsWith(ReasonOf(runId), StringComparison.Ordinal) == true;

    /// <summary>The run failed over and has not failed back: the rollback brings the writer home.</summary>
    public static bool OwesFailback(DrillRunContext run) => run.Failover is { State: FailoverStates.Completed } && run.Failback is null;

    /// <summary>
    /// Where the old writer's database could not be compared, the run's own acknowledgements tell the loss: every
    /// transfer acknowledged before the switch began that the new writer lacks, of those the workload keeps in full
    /// (<see cref="WorkloadOptions.AcknowledgementsKept"/>, minutes: far beyond a replication lag the drill tolerates).
    /// </summary>
    private async Task<FailoverRecord> WithWorkloadRpoAsync(DrillRunContext run, FailoverRecord record, CancellationToken cancellationToken)
    {
        if (record.RpoSource != RpoSources.Unknown || run.Workload is not { } workload)
        {
            return record;
        }

        // The workload keeps the last minutes of acknowledgements in full: a transfer the old writer acknowledged and
        // did not replicate is among the last before the switch (older ones were confirmed by the invariant checks).
        var acknowledged = workload.AcknowledgedUntil(record.StartedAt);
        var present = await databases[record.ToRegion].ExistingTransferIdsAsync([.. acknowledged.Select(request => request.TransferId!.Value)], cancellationToken);
        var lost = acknowledged.Where(request => !present.Contains(request.TransferId!.Value)).ToList();
        record = record with
        {
            RpoSource = RpoSources.Workload,
            RpoTransactions = lost.Count,
            RpoAmount = lost.Sum(request => request.Amount),
            RpoTransferIds = [.. lost.Select(request => request.TransferId!.Value)],
            Stranded = [.. lost.Select(request => new StrandedTransfer(request.TransferId!.Value, request.IdempotencyKey, request.From, request.To,
                request.Amount, WorkloadLedgerClient.Currency, null, request.FinishedAt))],
        };
        await store.SaveAsync(record, isNew: false);
        return record;
    }

    /// <summary>The first write through the logical name after promotion, and the first second back at <see cref="RecoveredShare"/> of before the fault.</summary>
    private async Task<FailoverRecord> MeasureRecoveryAsync(DrillRunContext run, FailoverRecord record)
    {
        if (run.Workload is not { } workload || record.CompletedAt is not { } promoted)
        {
            return record;
        }

        var firstWrite = workload.FirstAcknowledgedAtOrAfter(promoted);
        var timeline = workload.Timeline();
        var faultSecond = (int)Math.Floor(((record.FaultStartedAt ?? record.StartedAt) - run.StartedAt).TotalSeconds);
        var before = timeline.Where(second => second.Second >= 1 && second.Second < faultSecond).ToList();
        DateTimeOffset? recovered = null;
        if (before.Count > 0)
        {
            var baseline = before.Average(second => second.Acknowledged);
            var promotedSecond = (int)Math.Floor((promoted - run.StartedAt).TotalSeconds);
            recovered = timeline.FirstOrDefault(second => second.Second >= promotedSecond && second.Acknowledged >= RecoveredShare * baseline) is { } back
                ? run.StartedAt + TimeSpan.FromSeconds(back.Second + 1)
                : null;
        }

        record = record with { FirstWriteAt = firstWrite, ThroughputRecoveredAt = recovered };
        await store.SaveAsync(record, isNew: false);
        metrics.Measured(record);
        return record;
    }

    private async Task CheckNoSplitBrainAsync(DrillRunContext run, FailoverRecord failover, CancellationToken cancellationToken)
    {
        if (run.Workload is not { } workload)
        {
            return;
        }

        var accounts = workload.AccountIds.Append(workload.FundingAccountId).ToHashSet();
        InvariantResult result;
        try
        {
            // Created after the new writer took writes: only a second writer could have taken it.
            var promoted = failover.CompletedAt ?? failover.StartedAt;
            var late = (await databases[failover.FromRegion].TransfersSinceAsync(promoted, cancellationToken))
                .Where(transfer => accounts.Contains(transfer.FromAccountId) || accounts.Contains(transfer.ToAccountId))
                .ToList();
            result = late.Count == 0
                ? new(LedgerInvariantNames.NoSplitBrain, timeProvider.GetUtcNow(), true,
                    $"{failover.FromRegion}'s database holds none of the run's transfers from the promotion ({promoted:HH:mm:ss.fff}) on: every transfer after it was accepted by {failover.ToRegion} alone", [], [])
                : new(LedgerInvariantNames.NoSplitBrain, timeProvider.GetUtcNow(), false,
                    $"{failover.FromRegion} committed {late.Count} of the run's transfers after {failover.ToRegion} became the writer",
                    [.. late.SelectMany(transfer => new[] { transfer.FromAccountId, transfer.ToAccountId }).Distinct()], [.. late.Select(transfer => transfer.Id.ToString())]);
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            result = new(LedgerInvariantNames.NoSplitBrain, timeProvider.GetUtcNow(), false,
                $"{failover.FromRegion}'s database could not be read to show it took no write after the failover: {ex.Message}", [], []);
        }

        run.RecordInvariants([result]);
    }
}
