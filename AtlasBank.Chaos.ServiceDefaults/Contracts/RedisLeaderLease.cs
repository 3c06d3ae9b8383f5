using StackExchange.Redis;

namespace AtlasBank.Chaos.Contracts;

/// <summary>
/// Leader election for periodic jobs run by several replicas: whoever sets the key first leads until its lease
/// runs out, so each round runs on exactly one replica and a dead leader is replaced after one lease.
/// </summary>
public static class RedisLeaderLease
{
    public static Task<bool> TryAcquireAsync(IDatabaseAsync database, string key, TimeSpan lease) =>
        database.StringSetAsync(key, $"{Environment.MachineName}:{Environment.ProcessId}", lease, When.NotExists);
}
