using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;
using NpgsqlTypes;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Moves the write role from the active region to the other, in this order: writes stop everywhere (routing
/// switching), the old writer is fenced, its last position and the transfers the new one lacks are captured, the new
/// one's subscription is stopped, it is granted writes, and the routing points at it. Works whether the old writer's
/// database is healthy (a planned switchover, which waits for the new one to catch up), down or hung. Only a region
/// that replicates from the writer is promoted, and one that would lose acknowledged transfers (or whose loss cannot be
/// measured) only with the caller's consent. One at a time (a lease in Redis, renewed while it runs). Never cancelled
/// half-way by its caller: every step is bounded instead, and written to the DR journal before it runs, so that if this
/// replica dies a surviving one undoes the failover (before the promotion) or finishes it (from the promotion on).
/// </summary>
public sealed partial class FailoverCoordinator(
    DrStateStore store,
    DrRoutingRecovery routingRecovery,
    DrJournal journal,
    DrTakeover takeover,
    LedgerRegionDatabases databases,
    RegionFence fence,
    ReplicationModeReader modes,
    DrOutcomes outcomes,
    IOptions<DrOptions> options,
    TimeProvider timeProvider,
    ILogger<FailoverCoordinator> logger)
{
    public async Task<FailoverRecord> FailoverAsync(FailoverCommand command)
    {
        var cancellationToken = CancellationToken.None;
        var id = NewId();
        await using var held = await DrLock.TakeAsync(store, id, options.Value.LockTtl, timeProvider);
        await takeover.RequireNoneCutShortAsync();
        var routing = await routingRecovery.ReadAsync(cancellationToken);
        var (from, to) = (routing.ActiveRegion, DrRegions.Other(routing.ActiveRegion));
        await RequireReplicaAsync(from, to, cancellationToken);
        var record = new FailoverRecord
        {
            FailoverId = id,
            Kind = FailoverKinds.Failover,
            FromRegion = from,
            ToRegion = to,
            State = FailoverStates.Running,
            Reason = command.Reason,
            StartedBy = command.KeyId,
            FaultStartedAt = command.FaultStartedAt,
            DetectedAt = command.DetectedAt,
            StartedAt = timeProvider.GetUtcNow(),
            StepPauseSeconds = (int)command.StepPause.TotalSeconds,
        };
        // Nothing has changed yet: a journal that does not answer refuses the failover (503) rather than start one
        // no other replica could finish.
        await journal.BeginAsync(record, routing.Epoch, DrStepNames.SwitchRouting);
        await store.SaveAsync(record, isNew: true);
        LogFailoverStarted(id, from, to, command.Reason);
        var steps = new DrOperationSteps(journal, held, id, command.StepPause, timeProvider);
        await steps.PauseAsync();

        // No ledger takes writes from here until the new writer is routed to.
        var epoch = routing.Epoch + 1;
        try
        {
            await store.WriteRoutingAsync(new DrRoutingState(from, epoch, true, timeProvider.GetUtcNow(), id));
            await steps.NextAsync(DrStepNames.Fence);
            var fenced = await fence.FenceAsync(from, epoch, cancellationToken);
            record = record with
            {
                Fenced = fenced.Fenced,
                FenceDetail = fenced.Detail,
                FromDatabaseReachable = fenced.DatabaseFenced,
                FromLedgerConfirmedFence = fenced.LedgerConfirmed,
                FromLsnAtFence = fenced.Lsn,
            };
            if (fenced.StillWriting)
            {
                throw new DrUnavailableException($"{from} cannot be fenced: {fenced.Detail} Promoting {to} now could make two writers.");
            }

            record = await CaptureLossAsync(record, fenced, cancellationToken) with { AcceptedDataLoss = command.AcceptDataLoss };
            if (LossNeedingConsent(record) is { } loss && !command.AcceptDataLoss)
            {
                record = record with { State = FailoverStates.Refused, Error = loss, CompletedAt = timeProvider.GetUtcNow() };
                held.ThrowIfLost();
                await outcomes.RestoreWriterAsync(from, epoch + 1, id, detachWriterSubscription: false);
                await EndAsync(record, command);
                throw new DrConflictException($"{to} was not promoted: {loss} Send \"AcceptDataLoss\": true to promote it anyway. {from} is the writer again.", record: record);
            }

            // The point of no return: once the new writer stops following the old one, only finishing is safe.
            await steps.NextAsync(DrStepNames.Promote, commit: true);
            await databases[to].DetachSubscriptionAsync(cancellationToken);
            if (fenced.DatabaseFenced)
            {
                // The old writer's slot would keep its WAL forever; still in use for a moment after the detach, so it may
                // be left for the failback.
                await TryDropSlotAsync(databases[from], cancellationToken);
                if (record.Mode == ReplicationModes.Sync)
                {
                    // Its standby is gone: every commit there (autovacuum's too) would wait for it forever, holding locks
                    // the failback's rebuild needs. The failback turns sync mode back on once DR streams again.
                    await databases[from].SetSynchronousReplicationAsync(false, cancellationToken);
                }
            }

            await steps.NextAsync(DrStepNames.Grant);
            await databases[to].GrantWritesAsync(epoch + 1, cancellationToken);
            await steps.NextAsync(DrStepNames.Route);
            await store.WriteRoutingAsync(new DrRoutingState(to, epoch + 1, false, timeProvider.GetUtcNow(), id));
            record = record with { State = FailoverStates.Completed, CompletedAt = timeProvider.GetUtcNow() };
            LogFailoverCompleted(id, to, record.RpoTransactions, record.Fenced);
        }
        catch (Exception ex) when (!steps.Committed && ex is RegionDatabaseUnavailableException or DrUnavailableException or RegionRefusedException)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            record = record with { State = FailoverStates.Failed, Error = ex.Message, CompletedAt = timeProvider.GetUtcNow() };
            await outcomes.RestoreWriterAsync(from, epoch + 1, id, detachWriterSubscription: false);
            await EndAsync(record, command);
            throw new DrUnavailableException($"The failover from {from} to {to} did not happen: {ex.Message} {from} is the writer again.", record, ex);
        }
        catch (Exception ex) when (steps.Committed && ex is RegionDatabaseUnavailableException or DrUnavailableException or RegionRefusedException)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            // Past the point of no return the new writer no longer follows the old one: finished, not undone. Each step
            // that fails here is left to the fence keeper (a grant it gives back once the database answers).
            await outcomes.RestoreWriterAsync(to, epoch + 1, id, detachWriterSubscription: true);
            record = record with
            {
                State = FailoverStates.Completed,
                CompletedAt = timeProvider.GetUtcNow(),
                Error = $"{to} is the writer; a step after the point of no return failed and was retried: {ex.Message}",
            };
        }

        await EndAsync(record, command);
        return record;
    }

    /// <summary>The old writer's position, what the new one lacks of it, and so the RPO, as far as the old writer's database answers.</summary>
    private async Task<FailoverRecord> CaptureLossAsync(FailoverRecord record, FenceResult fenced, CancellationToken cancellationToken)
    {
        var (from, to) = (databases[record.FromRegion], databases[record.ToRegion]);
        var mode = await modes.ReadAsync(record.FromRegion, cancellationToken);
        record = record with { Mode = mode };
        if (!fenced.DatabaseFenced)
        {
            // Unmeasured, even in sync mode: what the old writer acknowledged before sync mode took effect may be
            // missing from DR too. Only a drill's own acknowledgements can tell, after the fact.
            return record;
        }

        var position = await databases[record.FromRegion].PositionAsync(cancellationToken);
        var subscriberAt = await to.SubscriptionPositionAsync(cancellationToken);
        record = record with
        {
            FromTransfersAtFence = position.Transfers,
            LagBytesAtFault = LagBytes(fenced.Lsn ?? position.WalLsn, subscriberAt),
        };

        var stranded = await WaitForCatchUpAsync(from, to, cancellationToken);
        record = record with
        {
            LossKnown = true,
            LagBytesAtPromotion = LagBytes(fenced.Lsn ?? position.WalLsn, await to.SubscriptionPositionAsync(cancellationToken)),
        };
        // Each row says whether its commit waited for DR: those the ledger acknowledged only once DR had them, so DR
        // lacking one means it was never acknowledged. The rest (asynchronous, or before sync mode took effect) may have been.
        var acknowledged = stranded.Where(transfer => transfer.Acknowledged).ToList();
        return record with
        {
            RpoSource = RpoSources.Database,
            Stranded = stranded,
            RpoTransactions = acknowledged.Count,
            RpoAmount = acknowledged.Sum(transfer => transfer.Amount),
            RpoTransferIds = [.. acknowledged.Select(transfer => transfer.Id)],
            UnacknowledgedTransferIds = [.. stranded.Where(transfer => !transfer.Acknowledged).Select(transfer => transfer.Id)],
        };
    }

    /// <summary>Only a region that replicates from the writer may be promoted: any other is a stale copy.</summary>
    private async Task RequireReplicaAsync(string from, string to, CancellationToken cancellationToken)
    {
        bool subscribed;
        try
        {
            subscribed = await databases[to].SubscribedAsync(cancellationToken);
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            throw new DrUnavailableException($"{to}'s database does not answer, so it cannot be promoted: {ex.Message}", innerException: ex);
        }

        if (!subscribed)
        {
            throw new DrConflictException(to == DrRegions.Home
                ? $"{to} is a stale copy: it does not replicate from {from}, the writer, so promoting it would lose what {from} took since. Use POST /dr/failback, which brings {from}'s transfers home first."
                : $"{to} does not replicate from {from}, the writer: promoting it would lose what {from} took since it stopped.");
        }
    }

    /// <summary>Why promoting would lose acknowledged data, or might without anyone knowing; null when it would lose none.</summary>
    private string? LossNeedingConsent(FailoverRecord record)
    {
        if (!record.LossKnown)
        {
            return $"{record.FromRegion}'s database did not answer and the mode is {record.Mode}, so what {record.ToRegion} lacks cannot be measured.";
        }

        if (record.RpoTransactions > 0)
        {
            return $"{record.ToRegion} lacks {record.RpoTransactions} acknowledged transfer(s) worth {record.RpoAmount} ({string.Join(", ", record.RpoTransferIds)}).";
        }

        return record.LagBytesAtPromotion > options.Value.MaxPromotionLagBytes
            ? $"{record.ToRegion} is {record.LagBytesAtPromotion} bytes of WAL behind {record.FromRegion} (Dr:MaxPromotionLagBytes is {options.Value.MaxPromotionLagBytes})."
            : null;
    }

    /// <summary>While the new writer still streams, waits (bounded) until it has every transfer the old one committed.</summary>
    private async Task<IReadOnlyList<StrandedTransfer>> WaitForCatchUpAsync(LedgerRegionDatabase from, LedgerRegionDatabase to, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.CatchUpTimeout;
        while (true)
        {
            var stranded = await StrandedWrites.FindAsync(from, to, options.Value.StrandedLookback, cancellationToken);
            if (stranded.Count == 0 || timeProvider.GetUtcNow() >= deadline || !await to.SubscriptionStreamingAsync(cancellationToken))
            {
                return stranded;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
        }
    }

    private async Task TryDropSlotAsync(LedgerRegionDatabase database, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            try
            {
                if (await database.DropSlotAsync(cancellationToken))
                {
                    return;
                }
            }
            catch (RegionDatabaseUnavailableException)
            {
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
        }
    }

    private Task EndAsync(FailoverRecord record, FailoverCommand command) => outcomes.EndAsync(record, command, "DrFailoverEnded",
        $"fenced {record.Fenced}; RPO {record.RpoTransactions} ({record.RpoSource}); data loss accepted {record.AcceptedDataLoss}");

    internal static long? LagBytes(string? publisherLsn, string? subscriberLsn) =>
        publisherLsn is not null && subscriberLsn is not null
        && NpgsqlLogSequenceNumber.TryParse(publisherLsn, out var publisher) && NpgsqlLogSequenceNumber.TryParse(subscriberLsn, out var subscriber)
            ? publisher > subscriber ? (long)(publisher - subscriber) : 0
            : null;

    internal static string NewId() => Guid.CreateVersion7().ToString("N");

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FAILOVER_STARTED {FailoverId}: from {From} to {To} ({Reason}).")]
    private partial void LogFailoverStarted(string failoverId, string from, string to, string? reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FAILOVER_COMPLETED {FailoverId}: {To} takes writes; RPO {Rpo} transfers; fenced {Fenced}.")]
    private partial void LogFailoverCompleted(string failoverId, string to, int rpo, bool fenced);

}
