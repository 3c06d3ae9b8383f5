using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Finishes or undoes a failover or failback whose coordinator died (or lost its lease) mid-way. Every
/// <see cref="DrOptions.TakeoverInterval"/> each replica looks in the DR journal for an operation still running while no
/// one holds the DR lease; the first to take the lease decides from the journal: one that reached its point of no
/// return (<see cref="DrJournalEntry.Committed"/>) is finished, any other undone. Either way the region that must write
/// is granted and the other fenced at an epoch above any the dead coordinator used, so a coordinator that was only
/// stalled and wakes has every late fence or grant refused by the databases. The record ends completed or rolled-back,
/// naming this replica.
/// </summary>
public sealed partial class DrTakeover(
    DrJournal journal,
    DrStateStore store,
    DrOutcomes outcomes,
    IOptions<DrOptions> options,
    TimeProvider timeProvider,
    ILogger<DrTakeover> logger) : BackgroundService
{
    /// <summary>
    /// Under the DR lock, before a new failover or failback: one cut short is taken over first, or the new one would
    /// start from a half-switched state.
    /// </summary>
    public async Task RequireNoneCutShortAsync()
    {
        if (await journal.RunningAsync() is [var orphan, ..])
        {
            throw new DrConflictException(
                $"The {orphan.Kind} {orphan.FailoverId} was cut short at step {orphan.Step} (its coordinator {orphan.Owner} died or lost its lease); a surviving replica finishes or undoes it within moments. Try again then.",
                orphan.FailoverId);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.TakeoverInterval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await TakeOverCutShortAsync();
            }
            catch (Exception ex) when (ex is DrUnavailableException or DrLeaseLostException or RedisException or NpgsqlException)
            {
                LogTakeoverFailed(ex.Message);
            }
        }
    }

    private async Task TakeOverCutShortAsync()
    {
        // Only one whose journal has been quiet for a lease: a dead coordinator's lease has run out by then anyway, and
        // an operation that is just ending (its lease released a moment before it leaves the list) is not taken for a
        // dead one — taking the lease for that moment answered an operator's next failback with 409.
        foreach (var entry in await journal.RunningAsync(quietFor: options.Value.LockTtl))
        {
            // Its coordinator, another operation, the fence keeper or another taker holds the lease: not ours.
            if (await store.LockHolderAsync() is not null)
            {
                return;
            }

            DrLock held;
            try
            {
                held = await DrLock.TakeAsync(store, $"{entry.FailoverId}/takeover/{Guid.NewGuid().ToString("N")[..8]}", options.Value.LockTtl, timeProvider);
            }
            catch (DrConflictException)
            {
                return;
            }

            await using (held)
            {
                if ((await journal.RunningAsync()).FirstOrDefault(running => running.FailoverId == entry.FailoverId) is { } current)
                {
                    await TakeOverAsync(current, held);
                }
            }
        }
    }

    private async Task TakeOverAsync(DrJournalEntry entry, DrLock held)
    {
        var record = await store.FindAsync(entry.FailoverId);
        if (record is { State: not FailoverStates.Running })
        {
            // Its coordinator ended it; only the journal had not heard.
            await journal.EndAsync(entry.FailoverId, record.State);
            return;
        }

        await journal.TakeOverAsync(entry.FailoverId);
        var (writer, state, detachWriterSubscription) = (entry.Kind, entry.Committed) switch
        {
            (FailoverKinds.Failover, true) => (entry.ToRegion, FailoverStates.Completed, true),
            (FailoverKinds.Failover, false) => (entry.FromRegion, FailoverStates.RolledBack, false),
            (_, true) => (entry.ToRegion, FailoverStates.Completed, false),
            (_, false) => (entry.FromRegion, FailoverStates.RolledBack, true),
        };
        // Above the two epochs the coordinator used, and above whatever the routing says now.
        var epoch = Math.Max(entry.Epoch + 3, (await store.ReadRoutingAsync()).Epoch + 1);
        held.ThrowIfLost();
        LogTakingOver(entry.Kind, entry.FailoverId, entry.Owner, entry.Step, state, writer);
        await outcomes.RestoreWriterAsync(writer, epoch, entry.FailoverId, detachWriterSubscription);

        var now = timeProvider.GetUtcNow();
        record = (record ?? new FailoverRecord
        {
            FailoverId = entry.FailoverId,
            Kind = entry.Kind,
            FromRegion = entry.FromRegion,
            ToRegion = entry.ToRegion,
            State = FailoverStates.Running,
            StartedAt = now,
        }) with
        {
            State = state,
            CompletedAt = now,
            TakenOverBy = journal.Owner,
            TakenOverAt = now,
            TakenOverAtStep = entry.Step,
            Error = $"Its coordinator {entry.Owner} died or lost its lease at step {entry.Step}; {journal.Owner} {(state == FailoverStates.Completed ? "finished it" : "undid it")}: {writer} is the writer at epoch {epoch}.",
        };
        await outcomes.EndAsync(record, new FailoverCommand("taken over from a coordinator that died", null, null), "DrOperationTakenOver",
            $"taken over by {journal.Owner} at step {entry.Step}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_TAKEOVER: the {Kind} {FailoverId} of {Owner} was cut short at step {Step}; {State} with {Writer} the writer.")]
    private partial void LogTakingOver(string kind, string failoverId, string owner, string step, string state, string writer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The DR takeover could not look at the journal or take an operation over ({Reason}); it tries again.")]
    private partial void LogTakeoverFailed(string reason);
}
