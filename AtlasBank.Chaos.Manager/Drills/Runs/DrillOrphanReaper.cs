using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// On every replica, every <c>OrphanScanInterval</c>: claims the runs whose owner stopped renewing its lease (it
/// died, or lost the database for longer than the lease), turns off the chaos they had on, runs their drill's
/// rollback steps — failing back when the run's failover still holds the bank on the other region — and marks them
/// <c>aborted</c> with the reason. A run is claimed by one replica only
/// (<c>FOR UPDATE SKIP LOCKED</c>); the restarted owner is a new instance and may claim its own old runs.
/// </summary>
public sealed partial class DrillOrphanReaper(
    DrillRunStore store,
    DrillCatalog catalog,
    DrillStepRunner steps,
    DrillFailoverSteps failovers,
    DrillInstance instance,
    AuditTrail audit,
    DrillMetrics metrics,
    IOptions<DrillOptions> options,
    TimeProvider timeProvider,
    ILogger<DrillOrphanReaper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ReapAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or RedisException
                                          || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested))
            {
                LogScanFailed(logger, ex.Message);
            }

            try
            {
                await Task.Delay(options.Value.OrphanScanInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Below the run's lease (15 s), so no other replica claims the run meanwhile.</summary>
    private static readonly TimeSpan TakeoverWait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan TakeoverPoll = TimeSpan.FromSeconds(1);

    public async Task ReapAsync(CancellationToken cancellationToken)
    {
        using var claiming = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        claiming.CancelAfter(DrillRunExecution.EndBound);
        foreach (var orphan in await store.ClaimOrphansAsync(instance.Id, options.Value.Lease, claiming.Token))
        {
            // Its owner died mid-failover: the DR takeover finishes or undoes the switch within its lease. Rolled back
            // after that, from a bank on one region (a bounded wait: the rollback then decides from what it finds).
            for (var waited = TimeSpan.Zero; waited < TakeoverWait && await failovers.SwitchUnfinishedAsync(orphan.RunId); waited += TakeoverPoll)
            {
                LogWaitingForTakeover(logger, orphan.RunId);
                await Task.Delay(TakeoverPoll, timeProvider, cancellationToken);
            }

            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(DrillRunExecution.EndBound);
            await RollBackAsync(orphan, bound.Token);
        }
    }

    private async Task RollBackAsync(OrphanedRun orphan, CancellationToken cancellationToken)
    {
        var drill = catalog.Find(orphan.Drill);
        var now = timeProvider.GetUtcNow();
        var context = new DrillRunContext(orphan.RunId, drill ?? new DrillDefinition { Name = orphan.Drill, Target = orphan.Target }, new DrillRunParameters(0, null),
            orphan.StartedBy, null, now);
        using var _ = context;
        // The context is new: what the dead owner did to the bank is read back from the DR records.
        context.Failover = await failovers.StillFailedOverByAsync(orphan.RunId);
        var seq = await store.NextStepSeqAsync(orphan.RunId, cancellationToken);
        foreach (var service in orphan.EnabledServices)
        {
            context.Enabled(service, "unknown", now);
        }

        var records = await steps.RollBackAsync(context, cancellationToken);
        foreach (var record in records)
        {
            await store.AddStepAsync(orphan.RunId, seq++, record, cancellationToken);
        }

        var failedBack = context.Failback is { State: FailoverStates.Completed } ? " and failed the bank back home" : string.Empty;
        var reason = $"Its owner '{orphan.PreviousOwner}' stopped renewing its lease (the replica died or lost the database); replica '{instance.Id}' rolled it back{failedBack}.";
        // The report keeps what the owner last saved, with the failback this replica made.
        var evidence = context.Failback is not null && await store.GetAsync(orphan.RunId, cancellationToken) is { } stored
            ? stored.Evidence with { Failover = stored.Evidence.Failover ?? context.Failover, Failback = context.Failback }
            : null;
        if (await store.CompleteAsync(orphan.RunId, instance.Id, DrillRunStates.Aborted, reason, timeProvider.GetUtcNow(), context.EnabledServices, evidence, cancellationToken))
        {
            metrics.OrphanEnded(orphan.Drill, DrillRunStates.Aborted);
            await audit.RecordAsync(new AuditRecord(orphan.StartedBy, null, "DrillRunEnded", orphan.Target, null, null, StatusCodes.Status200OK,
                $"Run {orphan.RunId} of drill '{orphan.Drill}' aborted: {reason}"));
            LogOrphanRolledBack(logger, orphan.RunId, orphan.Drill, orphan.PreviousOwner);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Orphaned drill run {RunId} died mid-failover; rolled back once the DR takeover has ended the switch.")]
    private static partial void LogWaitingForTakeover(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Looking for orphaned drill runs failed: {Reason}")]
    private static partial void LogScanFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DRILL_RUN_ORPHAN_ROLLED_BACK run={RunId} drill={Drill} previousOwner={PreviousOwner}")]
    private static partial void LogOrphanRolledBack(ILogger logger, string runId, string drill, string previousOwner);
}
