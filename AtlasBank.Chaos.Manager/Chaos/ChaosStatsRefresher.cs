using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// Keeps <c>chaos_success_rate</c>, <c>chaos_experiment_active</c> and <c>chaos_halted</c> current with the shared
/// state in Redis, so a scrape never waits on Redis and every replica reports the same.
/// </summary>
public sealed partial class ChaosStatsRefresher(
    ChaosStore store, ChaosManagerMetrics metrics, IOptions<ChaosManagerOptions> options, TimeProvider timeProvider, ILogger<ChaosStatsRefresher> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.StatsRefreshInterval, timeProvider);
        do
        {
            try
            {
                metrics.Update((await store.GetStatsAsync()).Services);
                metrics.Update(await store.ListAsync(), halted: await store.GetHaltAsync() is not null);
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogRefreshFailed(ex.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Chaos statistics not refreshed: {Reason}")]
    private partial void LogRefreshFailed(string reason);
}
