using System.Threading.Channels;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.ServiceDefaults.Dr;

/// <summary>
/// Keeps <see cref="DrRoutingCache"/> current from the Redis that holds chaos state (its own connection): applies the
/// state each message on <see cref="DrRedisKeys.Channel"/> carries, and reads <see cref="DrRedisKeys.Routing"/> at
/// start, on reconnect and every <see cref="DrRoutingOptions.ResyncInterval"/>. Never clears the cache: with Redis away,
/// or junk on the channel or in the key (counted in <see cref="DeadLetters"/>, logged), the last known region stays. Without a Redis connection string the process stays on the home region.
/// </summary>
public sealed partial class DrRoutingSynchronizer(
    DrRoutingCache cache,
    IConfiguration configuration,
    IOptions<ChaosOptions> chaosOptions,
    IOptions<DrRoutingOptions> options,
    DeadLetters deadLetters,
    TimeProvider timeProvider,
    ILogger<DrRoutingSynchronizer> logger) : BackgroundService
{
    public const string ChannelSource = "dr-routing-channel";
    public const string KeySource = "dr-routing-key";
    private const string Malformed = DeadLetters.Malformed;

    private readonly Channel<bool> _resync = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var connectionName = chaosOptions.Value.RedisConnectionName;
        var connectionString = configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            LogNoConnectionString(connectionName, cache.Current.ActiveRegion);
            return;
        }

        deadLetters.Register(ChannelSource, Malformed);
        deadLetters.Register(KeySource, Malformed);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisReconnection.For(connectionString));
        redis.ConnectionRestored += (_, _) => _resync.Writer.TryWrite(true);

        var subscribed = false;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                subscribed = subscribed || await TrySubscribeAsync(redis.GetSubscriber(), stoppingToken);
                await ResyncAsync(redis.GetDatabase(), stoppingToken);
                await WaitForReconnectOrIntervalAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down; the cache keeps what it has.
        }
    }

    /// <summary>Applies a message's state as it is; a message that is not a routing state is ignored.</summary>
    private void OnMessage(RedisValue message)
    {
        if (DrRoutingState.TryParse(message) is { } state)
        {
            Take(state);
        }
        else
        {
            deadLetters.Add(ChannelSource, Malformed);
            LogIgnoredMessage();
        }
    }

    private async Task<bool> TrySubscribeAsync(ISubscriber subscriber, CancellationToken stoppingToken)
    {
        try
        {
            await subscriber.SubscribeAsync(RedisChannel.Literal(DrRedisKeys.Channel), (_, message) => OnMessage(message));
            return true;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
        {
            LogSubscribeFailed(ex.Message, cache.Current.ActiveRegion);
            return false;
        }
    }

    private async Task ResyncAsync(IDatabaseAsync database, CancellationToken stoppingToken)
    {
        try
        {
            var stored = await database.StringGetAsync(DrRedisKeys.Routing);
            if (DrRoutingState.TryParse(stored) is { } state)
            {
                Take(state);
            }
            else if (stored.HasValue)
            {
                deadLetters.Add(KeySource, Malformed);
                LogIgnoredKey(cache.Current.ActiveRegion);
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException && !stoppingToken.IsCancellationRequested)
        {
            LogResyncFailed(ex.Message, cache.Current.ActiveRegion);
        }
    }

    private void Take(DrRoutingState state)
    {
        if (cache.Apply(state))
        {
            LogRoutingChanged(state.ActiveRegion, state.Epoch, state.Switching);
        }
    }

    private async Task WaitForReconnectOrIntervalAsync(CancellationToken stoppingToken)
    {
        using var interval = new CancellationTokenSource(options.Value.ResyncInterval, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, interval.Token);
        try
        {
            await _resync.Reader.ReadAsync(linked.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The interval passed: resync anyway.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DR routing is not followed: no connection string '{ConnectionName}'; the ledger stays {Region}.")]
    private partial void LogNoConnectionString(string connectionName, string region);

    [LoggerMessage(Level = LogLevel.Information, Message = "DR routing: {Region} is active (epoch {Epoch}, switching {Switching}).")]
    private partial void LogRoutingChanged(string region, long epoch, bool switching);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR routing message ignored: not a routing state.")]
    private partial void LogIgnoredMessage();

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR routing key ignored: chaos:dr:routing holds no routing state; keeping {Region}.")]
    private partial void LogIgnoredKey(string region);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR routing could not subscribe to changes ({Reason}); keeping {Region} and retrying.")]
    private partial void LogSubscribeFailed(string reason, string region);

    [LoggerMessage(Level = LogLevel.Warning, Message = "DR routing could not be read ({Reason}); keeping {Region}.")]
    private partial void LogResyncFailed(string reason, string region);
}
