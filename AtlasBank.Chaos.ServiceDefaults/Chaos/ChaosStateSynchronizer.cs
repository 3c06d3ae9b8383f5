using System.Threading.Channels;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// Keeps <see cref="ChaosStateCache"/> current: re-reads the state when the manager announces a change on the
/// Redis channel, and every <see cref="ChaosOptions.ResyncInterval"/> in case a message was lost. Any Redis
/// failure empties the cache, so an unreachable Redis means no chaos. Follows <see cref="ChaosOptions.Enabled"/> as
/// configuration changes: while it is off nothing is read (and a service started with it off does not connect to
/// Redis until it is switched on); switched on, the state is read at once.
/// </summary>
public sealed partial class ChaosStateSynchronizer(
    ChaosStateCache cache,
    ChaosHealthCounters health,
    DeadLetters deadLetters,
    IConfiguration configuration,
    IOptionsMonitor<ChaosOptions> options,
    TimeProvider timeProvider,
    ILogger<ChaosStateSynchronizer> logger) : BackgroundService
{
    /// <summary>The dead-letter source of an experiment entry that is not an experiment (the channel carries no data to poison).</summary>
    public const string ExperimentKeySource = "chaos-experiment-key";

    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        deadLetters.Register(ExperimentKeySource, DeadLetters.Malformed);
        // A configuration change wakes the loop: switched on, the state is read now, not at the next interval.
        using var optionsChanged = options.OnChange(_ => _changes.Writer.TryWrite(true));
        if (!options.CurrentValue.Enabled)
        {
            LogChaosSwitchedOff();
            if (!await WaitUntilEnabledAsync(stoppingToken))
            {
                return;
            }
        }

        var connectionString = configuration.GetConnectionString(options.CurrentValue.RedisConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            LogNoConnectionString(options.CurrentValue.RedisConnectionName);
            return;
        }

        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisReconnection.For(connectionString));
        redis.ConnectionFailed += (_, _) => cache.Clear();
        redis.ConnectionRestored += (_, _) => _changes.Writer.TryWrite(true);

        await redis.GetSubscriber().SubscribeAsync(
            RedisChannel.Literal(ChaosRedisKeys.Channel),
            (_, _) => _changes.Writer.TryWrite(true));

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // Switched off, the cache has emptied itself and refuses state; reading it would be wasted.
                if (options.CurrentValue.Enabled)
                {
                    await ResyncAsync(redis.GetDatabase(), stoppingToken);
                }

                await WaitForChangeOrIntervalAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            cache.Clear();
        }
    }

    private async Task ResyncAsync(IDatabaseAsync database, CancellationToken stoppingToken)
    {
        try
        {
            cache.Apply(await ChaosStateReader.ReadActiveAsync(database, timeProvider.GetUtcNow(), service =>
            {
                deadLetters.Add(ExperimentKeySource, DeadLetters.Malformed);
                LogUnreadableExperiment(service);
            }));
            await health.FlushAsync(database, timeProvider.GetUtcNow());
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
        {
            cache.Clear();
            LogResyncFailed(ex.Message);
        }
    }

    /// <summary>Waits for <see cref="ChaosOptions.Enabled"/> to be switched on; false when the service stops first.</summary>
    private async Task<bool> WaitUntilEnabledAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!options.CurrentValue.Enabled)
            {
                await _changes.Reader.ReadAsync(stoppingToken);
            }

            return true;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task WaitForChangeOrIntervalAsync(CancellationToken stoppingToken)
    {
        using var interval = new CancellationTokenSource(options.CurrentValue.ResyncInterval, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _changes.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The interval passed without a change: resync anyway.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Chaos injection is switched off for this service (Chaos:Enabled=false); waiting for it to be switched on.")]
    private partial void LogChaosSwitchedOff();

    [LoggerMessage(Level = LogLevel.Information, Message = "Chaos injection is off for this service: no connection string '{ConnectionName}'.")]
    private partial void LogNoConnectionString(string connectionName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The chaos experiment entry of {Service} is not an experiment: ignored (no chaos from it) and counted in dead_letters_total.")]
    private partial void LogUnreadableExperiment(string service);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Chaos state could not be read ({Reason}); injecting nothing until it can.")]
    private partial void LogResyncFailed(string reason);
}
