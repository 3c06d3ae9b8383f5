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
/// failover or failback holds the lock (they move the grant on purpose) and takes the lock itself to grant, so none
/// starts meanwhile. It also keeps each region's replication mode fresh for a failover that finds the database gone.
/// </summary>
public sealed partial class DrFenceKeeper(
    DrStateStore store,
    LedgerRegionDatabases databases,
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
        var routing = await store.ReadRoutingAsync();
        await modes.ReadAsync(routing.ActiveRegion, cancellationToken);
        if (routing.Switching || await store.LockHolderAsync() is not null)
        {
            return;
        }

        foreach (var region in DrRegions.All.Where(region => region != routing.ActiveRegion))
        {
            try
            {
                if (!await databases[region].WritesGrantedAsync(cancellationToken) || await store.LockHolderAsync() is not null)
                {
                    continue;
                }

                var lsn = await databases[region].FenceWritesAsync(cancellationToken);
                LogFenced(region, routing.ActiveRegion, lsn);
                await audit.RecordAsync(new AuditRecord(null, null, "DrFenceKept", region, null, null, StatusCodes.Status200OK,
                    $"{region} held the write grant while {routing.ActiveRegion} is active (epoch {routing.Epoch}): revoked at {lsn}."));
            }
            catch (RegionDatabaseUnavailableException)
            {
                // Down or hung: it cannot write either. Checked again next round.
            }
        }

        await RegrantActiveAsync(routing, cancellationToken);
    }

    private async Task RegrantActiveAsync(DrRoutingState routing, CancellationToken cancellationToken)
    {
        try
        {
            if (await databases[routing.ActiveRegion].WritesGrantedAsync(cancellationToken))
            {
                return;
            }

            foreach (var region in DrRegions.All.Where(region => region != routing.ActiveRegion))
            {
                if (await databases[region].WritesGrantedAsync(cancellationToken))
                {
                    // Fenced first, next round: never two grants at once.
                    return;
                }
            }
        }
        catch (RegionDatabaseUnavailableException)
        {
            // A region that does not answer might still hold the grant: nothing is given until both answer.
            return;
        }

        var holder = $"fence-keeper-{Guid.CreateVersion7():N}";
        if (!await store.TryLockAsync(holder, options.Value.LockTtl))
        {
            return;
        }

        try
        {
            // Under the lock the routing cannot move: read it again, the first read may be a failover old.
            var current = await store.ReadRoutingAsync();
            if (current.Switching || current.ActiveRegion != routing.ActiveRegion || current.Epoch != routing.Epoch)
            {
                return;
            }

            await databases[current.ActiveRegion].GrantWritesAsync(cancellationToken);
            LogRegranted(current.ActiveRegion, current.Epoch);
            await audit.RecordAsync(new AuditRecord(null, null, "DrWriterRegranted", current.ActiveRegion, null, null, StatusCodes.Status200OK,
                $"{current.ActiveRegion} is active (epoch {current.Epoch}) but its database had lost the write grant while no other region held it: granted again."));
        }
        catch (RegionDatabaseUnavailableException)
        {
            // Gone again: checked again next round.
        }
        finally
        {
            await store.ReleaseLockAsync(holder);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FENCE_KEPT: {Region} held the write grant while {Active} is active; revoked at {Lsn}.")]
    private partial void LogFenced(string region, string active, string lsn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_WRITER_REGRANTED: {Region} is active at epoch {Epoch} but had lost its write grant; granted again.")]
    private partial void LogRegranted(string region, long epoch);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The DR fence keeper could not read the routing ({Reason}).")]
    private partial void LogCheckFailed(string reason);
}
