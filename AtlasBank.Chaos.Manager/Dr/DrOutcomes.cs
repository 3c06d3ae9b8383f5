using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// How a failover or failback ends, whichever it is: undone (one region the writer again, the other fenced, the
/// routing saying so) or recorded (the record saved, counted and audited).
/// </summary>
public sealed partial class DrOutcomes(
    DrStateStore store, DrJournal journal, LedgerRegionDatabases databases, DrMetrics metrics, AuditTrail audit, TimeProvider timeProvider, ILogger<DrOutcomes> logger)
{
    /// <summary>
    /// <paramref name="writer"/> writes (with no subscription of its own when <paramref name="detachWriterSubscription"/>),
    /// the other region is fenced, and the routing names the writer at <paramref name="epoch"/>. Each database step is
    /// tried once; a database that does not answer is logged and left to the fence keeper.
    /// </summary>
    public async Task RestoreWriterAsync(string writer, long epoch, string failoverId, bool detachWriterSubscription)
    {
        var other = DrRegions.Other(writer);
        var steps = new List<(string Region, Func<LedgerRegionDatabase, Task> Step)>();
        if (detachWriterSubscription)
        {
            steps.Add((writer, database => database.DetachSubscriptionAsync(CancellationToken.None)));
        }

        steps.Add((other, database => database.FenceWritesAsync(epoch, CancellationToken.None)));
        steps.Add((writer, database => database.GrantWritesAsync(epoch, CancellationToken.None)));
        foreach (var (region, step) in steps)
        {
            try
            {
                await step(databases[region]);
            }
            catch (Exception ex) when (ex is RegionDatabaseUnavailableException or RegionRefusedException)
            {
                LogRestoreStepFailed(failoverId, region, ex.Message);
            }
        }

        await store.WriteRoutingAsync(new DrRoutingState(writer, epoch, false, timeProvider.GetUtcNow(), failoverId));
    }

    /// <summary>Saves, counts and audits the ended <paramref name="record"/>, as <paramref name="operation"/> with <paramref name="detail"/> after its outcome.</summary>
    public async Task EndAsync(FailoverRecord record, FailoverCommand command, string operation, string detail)
    {
        await store.SaveAsync(record, isNew: false);
        try
        {
            await journal.EndAsync(record.FailoverId, record.State);
        }
        catch (DrUnavailableException ex)
        {
            // The takeover finds it still running, sees the record ended and closes it then, changing nothing.
            LogJournalNotEnded(record.FailoverId, ex.Message);
        }

        metrics.Ended(record);
        await audit.RecordAsync(new AuditRecord(command.KeyId, command.Role, operation, LedgerReplication.SubscriptionName, null, null,
            record.State switch
            {
                FailoverStates.Completed => StatusCodes.Status200OK,
                FailoverStates.Refused => StatusCodes.Status409Conflict,
                _ => StatusCodes.Status503ServiceUnavailable,
            },
            $"{record.FailoverId}: {record.FromRegion} to {record.ToRegion} {record.State}; {detail}{(record.Error is null ? string.Empty : "; " + record.Error)}"));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR {FailoverId} ended, but the journal could not say so yet: {Reason}")]
    private partial void LogJournalNotEnded(string failoverId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "DR {FailoverId} could not put {Region} back as it was: {Reason}.")]
    private partial void LogRestoreStepFailed(string failoverId, string region, string reason);
}
