using StackExchange.Redis;

namespace AtlasBank.Chaos.ServiceDefaults.Hosting;

/// <summary>
/// How every Redis connection of every service comes back once Redis does: an attempt every <see cref="Interval"/>,
/// looked at every <see cref="Interval"/>, instead of StackExchange.Redis's exponential backoff of up to 10 s (after a
/// 30 s stop of Redis a manager answered disable-all 2 s after Redis did). Stopping chaos depends on Redis alone, so it
/// must work the moment Redis does.
/// </summary>
public static class RedisReconnection
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    /// <summary>Sets the reconnect policy and heartbeat on options Aspire's Redis client builds.</summary>
    public static void Apply(ConfigurationOptions options)
    {
        options.ReconnectRetryPolicy = new LinearRetry((int)Interval.TotalMilliseconds);
        options.HeartbeatInterval = Interval;
    }

    /// <summary>
    /// Options for a service's own connection (the state synchronizers'): it never gives up connecting, each wait is
    /// bounded to 2 s, and it reconnects as <see cref="Apply"/> says.
    /// </summary>
    public static ConfigurationOptions For(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 2_000;
        options.SyncTimeout = 2_000;
        options.AsyncTimeout = 2_000;
        Apply(options);
        return options;
    }
}
