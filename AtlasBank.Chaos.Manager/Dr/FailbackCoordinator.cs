using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Brings the write role home after a failover, so the environment ends as it began, and never destroys data on the
/// way: region A is fenced; everything it holds that the writer lacks (accounts by id, transfers by id and key, over
/// the whole ledger, whatever the failover captured) is given to the writer first, each transfer through the ledger
/// under its own Idempotency-Key. Only when A holds nothing the writer lacks do writes stop, A is rebuilt from the
/// writer in one snapshot (by a database function that refuses a copy lacking anything A holds), both checksums must
/// be equal, the writer subscribes to A again from a slot made before A takes a write, and the routing points home.
/// What cannot be reconciled stops it with 409 and truncates nothing; anything failing before the switch leaves the
/// writer as it was.
/// </summary>
public sealed partial class FailbackCoordinator(
    DrStateStore store,
    DrRoutingRecovery routingRecovery,
    DrJournal journal,
    DrTakeover takeover,
    LedgerRegionDatabases databases,
    RegionFence fence,
    StrandedReconciliation reconciliation,
    ReplicationModeReader modes,
    DrOutcomes outcomes,
    IOptions<DrOptions> options,
    TimeProvider timeProvider,
    ILogger<FailbackCoordinator> logger)
{
    /// <summary>How many unreconciled transfers the 409's detail names; the answer's <c>unreconciled</c> lists them all.</summary>
    private const int ListedInDetail = 20;

    public async Task<FailoverRecord> FailbackAsync(FailoverCommand command)
    {
        var cancellationToken = CancellationToken.None;
        var id = FailoverCoordinator.NewId();
        await using var held = await DrLock.TakeAsync(store, id, options.Value.LockTtl, timeProvider);
        await takeover.RequireNoneCutShortAsync();
        var routing = await routingRecovery.ReadAsync(cancellationToken);
        if (routing.ActiveRegion == DrRegions.Home)
        {
            throw new DrConflictException($"{DrRegions.Home} is the writer already: there is nothing to fail back.");
        }

        var (from, home) = (routing.ActiveRegion, DrRegions.Home);
        var record = new FailoverRecord
        {
            FailoverId = id,
            Kind = FailoverKinds.Failback,
            FromRegion = from,
            ToRegion = home,
            State = FailoverStates.Running,
            Reason = command.Reason,
            StartedBy = command.KeyId,
            StartedAt = timeProvider.GetUtcNow(),
            StepPauseSeconds = (int)command.StepPause.TotalSeconds,
        };

        // Home must answer before anything changes; it stays fenced until it is rebuilt (fenced already: this changes
        // nothing, so it comes before the journal).
        try
        {
            await databases[home].FenceWritesAsync(routing.Epoch, cancellationToken);
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            throw new DrUnavailableException($"{home}'s database does not answer, so it cannot be rebuilt: {ex.Message}", innerException: ex);
        }
        catch (RegionRefusedException ex)
        {
            throw new DrUnavailableException($"{home} was not fenced at epoch {routing.Epoch}, the routing's: {ex.Message}", innerException: ex);
        }

        await journal.BeginAsync(record, routing.Epoch, DrStepNames.Reconcile);
        await store.SaveAsync(record, isNew: true);
        LogFailbackStarted(id, from, home);
        var steps = new DrOperationSteps(journal, held, id, command.StepPause, timeProvider);
        await steps.PauseAsync();
        var reconciled = await reconciliation.ReconcileLastAsync(command);
        try
        {
            record = await BringSurplusOverAsync(record with { Reconciliation = reconciled?.Reconciliation ?? [] }, command, cancellationToken);
        }
        catch (DrUnavailableException ex)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            // Nothing was switched: the writer writes on, home stays fenced.
            await EndAsync((ex.Record ?? record) with { State = FailoverStates.Failed, Error = ex.Message, CompletedAt = timeProvider.GetUtcNow() }, command);
            throw new DrUnavailableException($"The failback to {home} did not happen: {ex.Message} {from} is still the writer.", ex.Record ?? record, ex);
        }

        if (record.Unreconciled.Count > 0)
        {
            record = record with
            {
                State = FailoverStates.Refused,
                CompletedAt = timeProvider.GetUtcNow(),
                Error = $"{home} holds {record.Unreconciled.Count} transfer(s) {from} could not be given; {home} was not rebuilt and {from} stays the writer.",
            };
            await EndAsync(record, command);
            throw new DrConflictException(
                $"{record.Error} Resolve each (e.g. fund the account on {from}), then fail back again: {string.Join("; ", record.Unreconciled.Take(ListedInDetail).Select(Describe))}"
                + (record.Unreconciled.Count > ListedInDetail ? $"; and {record.Unreconciled.Count - ListedInDetail} more (all in unreconciled)." : string.Empty),
                record: record);
        }

        var epoch = routing.Epoch + 1;
        var switched = false;
        try
        {
            await steps.NextAsync(DrStepNames.SwitchRouting);
            await store.WriteRoutingAsync(new DrRoutingState(from, epoch, true, timeProvider.GetUtcNow(), id));
            await steps.NextAsync(DrStepNames.Fence);
            var fenced = await fence.FenceAsync(from, epoch, cancellationToken);
            record = record with { Fenced = fenced.Fenced, FenceDetail = fenced.Detail, FromDatabaseReachable = fenced.DatabaseFenced, FromLsnAtFence = fenced.Lsn };
            if (!fenced.DatabaseFenced)
            {
                throw new DrUnavailableException($"{from}'s database could not be fenced, so it cannot be copied: {fenced.Detail}");
            }

            // A home that was down at the failover may still wait for the standby that left: nothing would commit there.
            var wasSync = await modes.ReadAsync(home, cancellationToken) == ReplicationModes.Sync || reconciled?.Mode == ReplicationModes.Sync;
            await steps.NextAsync(DrStepNames.Rebuild);
            await databases[home].SetSynchronousReplicationAsync(false, cancellationToken);
            // The slot of the subscription the failover stopped, if it outlived it: it would stream the rebuild to DR.
            await databases[home].DropSlotAsync(cancellationToken);
            await databases[home].ReinitialiseFromAsync(databases[from], cancellationToken);
            var (homeChecksum, fromChecksum) = (await databases[home].ChecksumAsync(cancellationToken), await databases[from].ChecksumAsync(cancellationToken));
            record = record with { ChecksumsEqual = homeChecksum == fromChecksum, Checksum = homeChecksum };
            if (homeChecksum != fromChecksum)
            {
                throw new DrUnavailableException($"{home} rebuilt from {from} does not match it ({homeChecksum} and {fromChecksum}).");
            }

            // The slot exists before home takes a write, so the new subscription misses none.
            await steps.NextAsync(DrStepNames.Subscribe);
            await databases[home].CreateSlotAsync(cancellationToken);
            await databases[from].SubscribeAsync(cancellationToken);
            // The point of no return: home holds the writer's ledger and the writer follows it; only finishing is safe.
            await steps.NextAsync(DrStepNames.Grant, commit: true);
            await databases[home].GrantWritesAsync(epoch + 1, cancellationToken);
            await steps.NextAsync(DrStepNames.Route);
            await store.WriteRoutingAsync(new DrRoutingState(home, epoch + 1, false, timeProvider.GetUtcNow(), id));
            switched = true;
            record = record with { CompletedAt = timeProvider.GetUtcNow() };
            await WaitForStreamingAsync(databases[from], cancellationToken);
            if (wasSync)
            {
                await databases[home].SetSynchronousReplicationAsync(true, cancellationToken);
            }

            record = record with { State = FailoverStates.Completed, Mode = wasSync ? ReplicationModes.Sync : ReplicationModes.Async };
            LogFailbackCompleted(id, home, record.Checksum);
        }
        catch (Exception ex) when (!steps.Committed && ex is RegionDatabaseUnavailableException or DrUnavailableException or RegionRefusedException)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            record = record with { State = FailoverStates.Failed, Error = ex.Message, CompletedAt = timeProvider.GetUtcNow() };
            await outcomes.RestoreWriterAsync(from, epoch + 1, id, detachWriterSubscription: true);
            await EndAsync(record, command);
            throw new DrUnavailableException($"The failback to {home} did not happen: {ex.Message} {from} is the writer again.", record, ex);
        }
        catch (Exception ex) when (steps.Committed && !switched && ex is RegionDatabaseUnavailableException or DrUnavailableException or RegionRefusedException)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            // Past the point of no return: finished, not undone; a grant that fails here the fence keeper gives back.
            await outcomes.RestoreWriterAsync(home, epoch + 1, id, detachWriterSubscription: false);
            record = record with
            {
                State = FailoverStates.Completed,
                CompletedAt = timeProvider.GetUtcNow(),
                Error = $"{home} is the writer; a step after the point of no return failed and was retried: {ex.Message}",
            };
        }
        catch (Exception ex) when (switched && ex is RegionDatabaseUnavailableException or DrUnavailableException)
        {
            // A coordinator that lost its lease leaves every change, and the record, to the replica that took over.
            held.ThrowIfLost();
            // Home writes; only DR's replication is not confirmed yet. The record says so; /dr/status shows the rest.
            record = record with { State = FailoverStates.Completed, Error = $"{home} is the writer; {from}'s subscription was not seen streaming: {ex.Message}" };
        }

        await EndAsync(record, command);
        return record;
    }

    /// <summary>
    /// Gives the writer everything home holds that it lacks: accounts (created empty), then transfers, oldest first,
    /// through the ledger under their keys. Then looks again: what is still missing is <see cref="FailoverRecord.Unreconciled"/>.
    /// </summary>
    private async Task<FailoverRecord> BringSurplusOverAsync(FailoverRecord record, FailoverCommand command, CancellationToken cancellationToken)
    {
        var (home, writer) = (databases[record.ToRegion], databases[record.FromRegion]);
        OldWriterSurplus surplus;
        try
        {
            surplus = await OldWriterSurplus.FindAsync(home, writer, cancellationToken);
            foreach (var account in surplus.Accounts)
            {
                await reconciliation.RestoreAccountAsync(record.FailoverId, writer, account, command);
            }
        }
        catch (Exception ex) when (ex is RegionDatabaseUnavailableException or RegionRefusedException)
        {
            throw new DrUnavailableException($"what {record.ToRegion} holds and {record.FromRegion} lacks could not be read or restored, so nothing was rebuilt: {ex.Message}", record, ex);
        }

        var results = record.Reconciliation.ToList();
        foreach (var transfer in surplus.Transfers)
        {
            results.Add(await reconciliation.ApplyAsync(record.FailoverId, record.FromRegion, transfer, command));
        }

        record = record with { Reconciliation = results, RestoredAccountIds = [.. surplus.Accounts.Select(account => account.Id)] };
        if (surplus.IsEmpty)
        {
            return record;
        }

        OldWriterSurplus left;
        try
        {
            left = await OldWriterSurplus.FindAsync(home, writer, cancellationToken);
        }
        catch (RegionDatabaseUnavailableException ex)
        {
            throw new DrUnavailableException($"whether {record.FromRegion} now holds everything {record.ToRegion} does could not be read, so nothing was rebuilt: {ex.Message}", record, ex);
        }

        var latest = results.GroupBy(result => result.TransferId).ToDictionary(group => group.Key, group => group.Last());
        return record with
        {
            Unreconciled =
            [
                .. left.Transfers.Select(transfer => latest.TryGetValue(transfer.Id, out var result)
                    ? result
                    : new ReconciledTransfer(transfer.Id, transfer.IdempotencyKey, transfer.Amount, ReconcileOutcomes.ManualReview, null,
                        "It is still missing from the writer.", timeProvider.GetUtcNow())),
                .. left.Accounts.Select(account => new ReconciledTransfer(account.Id, null, 0m, ReconcileOutcomes.ManualReview, null,
                    $"Account {account.Id} is still missing from the writer.", timeProvider.GetUtcNow())),
            ],
        };
    }

    private static string Describe(ReconciledTransfer result) =>
        $"{result.TransferId} ({result.Amount}, key {result.IdempotencyKey}): {result.Outcome}{(result.Reason is { } reason ? $", {reason}" : string.Empty)}";

    private async Task WaitForStreamingAsync(LedgerRegionDatabase subscriber, CancellationToken cancellationToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.ResubscribeTimeout;
        while (!await subscriber.SubscriptionStreamingAsync(cancellationToken))
        {
            if (timeProvider.GetUtcNow() >= deadline)
            {
                throw new DrUnavailableException($"not streaming within {options.Value.ResubscribeTimeout.TotalSeconds:0} s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider, cancellationToken);
        }
    }

    private Task EndAsync(FailoverRecord record, FailoverCommand command) => outcomes.EndAsync(record, command, "DrFailbackEnded",
        $"checksums equal {record.ChecksumsEqual}; reconciled {record.Reconciliation.Count}; unreconciled {record.Unreconciled.Count}");

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FAILBACK_STARTED {FailoverId}: from {From} to {Home}.")]
    private partial void LogFailbackStarted(string failoverId, string from, string home);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FAILBACK_COMPLETED {FailoverId}: {Home} takes writes again; ledger checksum {Checksum} in both regions.")]
    private partial void LogFailbackCompleted(string failoverId, string home, string? checksum);

}
