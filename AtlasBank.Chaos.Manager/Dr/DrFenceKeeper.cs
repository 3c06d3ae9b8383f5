using AtlasBank.Chaos.Contracts;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr.Databases;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Never two writers, after the fact too: every <see cref="DrOptions.FenceKeeperInterval"/> one replica checks
/// that no region but the active one holds the write grant, and revokes it where one does — the old writer whose
/// database was down or hung during the failover is fenced the moment it answers again. It stands aside while a
/// failover or failback holds the lock (they move the grant on purpose), and it also keeps each region's replication
/// mode fresh for a failover that finds the database gone.
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
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR_FENCE_KEPT: {Region} held the write grant while {Active} is active; revoked at {Lsn}.")]
    private partial void LogFenced(string region, string active, string lsn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The DR fence keeper could not read the routing ({Reason}).")]
    private partial void LogCheckFailed(string reason);
}
