using AtlasBank.Chaos.Contracts;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Keeps the databases' write grants where the routing says, after the fact too: every
/// <see cref="DrOptions.FenceKeeperInterval"/> one replica revokes the grant from any region but the active one (the old
/// writer whose database was down or hung during the failover is fenced the moment it answers again), and gives it back
/// to the active region when that lost it while no other region holds it — a fence sent to a hung database lands when
/// it thaws, after the failover that sent it was refused and left that region the writer. It stands aside while a
/// failover or failback holds the lock (they move the grant on purpose) and takes the lock itself to change a grant,
/// so none starts meanwhile. With no routing in Redis (a bank that never failed over, or a lost key) it rebuilds the
/// routing from the databases (<see cref="DrRoutingRecovery"/>) and moves no grant that round; with junk there, none.
/// It also keeps each region's replication mode fresh for a failover that finds the database gone.
/// </summary>
public sealed partial class DrFenceKeeper(
    DrStateStore store,
    LedgerRegionDatabases databases,
    DrRoutingRecovery recovery,
    ReplicationModeReader modes,
    IConnectionMultiplexer redis,
    AuditTrail audit,
    IOptions<DrOptions> options,
    TimeProvider timeProvider,
    ILogger<DrFenceKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FenceKeeperInterval;
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await RedisLeaderLease.TryAcquireAsync(redis.GetDatabase(), ChaosRedisKeys.Lease("dr-fence-keeper"), interval * 0.9))
                {
                    await KeepAsync(stoppingToken);
                }
            }
            catch (RedisException ex)
            {
                LogCheckFailed(ex.Message);
            }
        }
    }

    private async Task KeepAsync(CancellationToken cancellationToken)
    {
        // Only a routing Redis really holds: a lost or unreadable key read as "home" would make the keeper fence the
        // writer and hand the grant to a stale copy. A lost one (or a bank that never failed over) is rebuilt from the
        // databases first; junk is left for a person, as it says nothing about how it came.
        var stored = await store.ReadStoredRoutingAsync();
        if (stored is null)
        {
            await RebuildRoutingAsync(cancellationToken);
            return;
        }

        if (DrRoutingState.TryParse(stored) is not { } routing)
        {
            LogRoutingUnreadable();
            return;
        }

        await modes.ReadAsync(routing.ActiveRegion, cancellationToken);
        if (routing.Switching || await store.LockHolderAsync() is not null)
        {
            return;
        }

        var grants = await ReadGrantsAsync(cancellationToken);
        var strays = grants.Where(grant => grant.Key != routing.ActiveRegion && grant.Value is true).Select(grant => grant.Key).ToList();
        // Given back only when every other region answered that it holds no grant: never two at once.
        var writerLost = grants[routing.ActiveRegion] is false && grants.All(grant => grant.Key == routing.ActiveRegion || grant.Value is false);
        if (strays.Count == 0 && !writerLost)
        {
            return;
        }

        // Under the DR lock no failover or failback moves the grant meanwhile; the routing read before it may be one
        // switch old (a failback that granted home and let go in between), so it is read again.
        var holder = $"fence-keeper-{Guid.CreateVersion7():N}";
        if (!await store.TryLockAsync(holder, options.Value.LockTtl))
        {
            return;
        }

        try
        {
            var current = DrRoutingState.TryParse(await store.ReadStoredRoutingAsync());
            if (current is null || current.Switching || current.ActiveRegion != routing.ActiveRegion || current.Epoch != routing.Epoch)
            {
                return;
            }

            foreach (var region in strays)
            {
                await FenceStrayAsync(region, current, cancellationToken);
            }

            if (writerLost)
            {
                await RegrantWriterAsync(current, cancellationToken);
            }
        }
        finally
        {
            await store.ReleaseLockAsync(holder);
        }
    }

    private async Task RebuildRoutingAsync(CancellationToken cancellationToken)
    {
        var holder = $"fence-keeper-{Guid.CreateVersion7():N}";
        if (!await store.TryLockAsync(holder, options.Value.LockTtl))
        {
            return;
        }

        try
        {
            if (await store.ReadStoredRoutingAsync() is null)
            {
                await recovery.ReadAsync(cancellationToken);
            }
        }
        catch (DrUnavailableException ex)
        {
            LogRebuildFailed(ex.Message);
        }
        finally
        {
            await store.ReleaseLockAsync(holder);
        }
    }

    /// <summary>Each region's write grant; null where its database does not answer (down or hung: it cannot write either).</summary>
    private async Task<Dictionary<string, bool?>> ReadGrantsAsync(CancellationToken cancellationToken)
    {
        var grants = new Dictionary<string, bool?>(StringComparer.Ordinal);
        foreach (var region in DrRegions.All)
        {
            try
            {
                grants[region] = await databases[region].WritesGrantedAsync(cancellationToken);
            }
            catch (RegionDatabaseUnavailableException)
            {
                grants[region] = null;
            }
        }

        return grants;
    }

    private async Task FenceStrayAsync(string region, DrRoutingState routing, CancellationToken cancellationToken)
    {
        try
        {
            var lsn = await databases[region].FenceWritesAsync(routing.Epoch, cancellationToken);
            LogFenced(region, routing.ActiveRegion, lsn);
            await audit.RecordAsync(new AuditRecord(null, null, "DrFenceKept", region, null, null, StatusCodes.Status200OK,
                $"{region} held the write grant while {routing.ActiveRegion} is active (epoch {routing.Epoch}): revoked at {lsn}."));
        }
        catch (RegionDatabaseUnavailableException)
        {
            // Gone again: checked again next round.
        }
        catch (RegionRefusedException ex)
        {
            // The region records a newer epoch than the routing: the routing is the stale one, and the grant stays.
            LogEpochRefused(region, routing.Epoch, ex.Message);
        }
    }

    /// <summary>
    /// The routing's writer lost its grant with no other region holding one: a fence sent into its hung database
    /// landed when it thawed, after the failover that sent it was refused and left it the writer.
    /// </summary>
    private async Task RegrantWriterAsync(DrRoutingState routing, CancellationToken cancellationToken)
    {
        try
        {
            await databases[routing.ActiveRegion].GrantWritesAsync(routing.Epoch, cancellationToken);
            LogRegranted(routing.ActiveRegion, routing.Epoch);
            await audit.RecordAsync(new AuditRecord(null, null, "DrWriterRegranted", routing.ActiveRegion, null, null, StatusCodes.Status200OK,
                $"{routing.ActiveRegion} is active (epoch {routing.Epoch}) but its database had lost the write grant while no other region held it: granted again."));
        }
        catch (RegionDatabaseUnavailableException)
        {
            // Gone again: checked again next round.
        }
        catch (RegionRefusedException ex)
        {
            LogEpochRefused(routing.ActiveRegion, routing.Epoch, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FENCE_KEPT: {Region} held the write grant while {Active} is active; revoked at {Lsn}.")]
    private partial void LogFenced(string region, string active, string lsn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_WRITER_REGRANTED: {Region} is active at epoch {Epoch} but had lost its write grant; granted again.")]
    private partial void LogRegranted(string region, long epoch);

    [LoggerMessage(Level = LogLevel.Error, Message = "DR_EPOCH_REFUSED: {Region}'s database refused a change at epoch {Epoch}, the routing's: {Reason}")]
    private partial void LogEpochRefused(string region, long epoch, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_ROUTING_LOST: the routing could not be rebuilt yet: {Reason}")]
    private partial void LogRebuildFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_ROUTING_UNREADABLE: chaos:dr:routing holds no routing state; the fence keeper moves no grant until it does.")]
    private partial void LogRoutingUnreadable();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The DR fence keeper could not read the routing ({Reason}).")]
    private partial void LogCheckFailed(string reason);
}
