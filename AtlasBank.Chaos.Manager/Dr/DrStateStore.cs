using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// DR state in Redis, where every service reads the routing: the routing itself (written, then published), the
/// lock one failover holds, and the failover records.
/// </summary>
public sealed class DrStateStore(IConnectionMultiplexer redis)
{
    private const int KeptRecords = 100;
    private static readonly JsonSerializerOptions Json = new();

    private IDatabase Database => redis.GetDatabase();

    public async Task<DrRoutingState> ReadRoutingAsync() => DrRoutingState.TryParse(await ReadStoredRoutingAsync()) ?? DrRoutingState.Home;

    /// <summary>The routing's JSON as Redis holds it; null when the key is missing (no failover yet, or Redis lost it).</summary>
    public async Task<string?> ReadStoredRoutingAsync() => await Database.StringGetAsync(DrRedisKeys.Routing);

    /// <summary>Writes the routing and publishes it, so every process follows within moments.</summary>
    public async Task WriteRoutingAsync(DrRoutingState state)
    {
        var json = state.ToJson();
        await Database.StringSetAsync(DrRedisKeys.Routing, json);
        await Database.PublishAsync(RedisChannel.Literal(DrRedisKeys.Channel), json);
    }

    /// <summary>Takes the failover lock for <paramref name="failoverId"/>; false when another holds it.</summary>
    public Task<bool> TryLockAsync(string failoverId, TimeSpan ttl) =>
        Database.StringSetAsync(DrRedisKeys.Lock, failoverId, ttl, When.NotExists);

    /// <summary>Extends the lock by <paramref name="ttl"/> only if <paramref name="holder"/> still holds it; false when it does not.</summary>
    public Task<bool> RenewLockAsync(string holder, TimeSpan ttl)
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(DrRedisKeys.Lock, holder));
        _ = transaction.KeyExpireAsync(DrRedisKeys.Lock, ttl);
        return transaction.ExecuteAsync();
    }

    public async Task<string?> LockHolderAsync() => await Database.StringGetAsync(DrRedisKeys.Lock);

    /// <summary>Releases the lock only if <paramref name="failoverId"/> still holds it (a transaction watching its value).</summary>
    public async Task ReleaseLockAsync(string failoverId)
    {
        var transaction = Database.CreateTransaction();
        transaction.AddCondition(Condition.StringEqual(DrRedisKeys.Lock, failoverId));
        _ = transaction.KeyDeleteAsync(DrRedisKeys.Lock);
        await transaction.ExecuteAsync();
    }

    public async Task SaveAsync(FailoverRecord record, bool isNew)
    {
        await Database.StringSetAsync(DrRedisKeys.Failover(record.FailoverId), JsonSerializer.Serialize(record, Json));
        if (isNew)
        {
            await Database.ListLeftPushAsync(DrRedisKeys.Failovers, record.FailoverId);
            await Database.ListTrimAsync(DrRedisKeys.Failovers, 0, KeptRecords - 1);
        }
    }

    public async Task<FailoverRecord?> FindAsync(string failoverId) =>
        await Database.StringGetAsync(DrRedisKeys.Failover(failoverId)) is { HasValue: true } json
            ? JsonSerializer.Deserialize<FailoverRecord>(json.ToString(), Json)
            : null;

    /// <summary>The newest records, newest first; <paramref name="kind"/> keeps only failovers or only failbacks.</summary>
    public async Task<IReadOnlyList<FailoverRecord>> ListAsync(int limit, string? kind = null)
    {
        var ids = await Database.ListRangeAsync(DrRedisKeys.Failovers, 0, KeptRecords - 1);
        var records = new List<FailoverRecord>();
        foreach (var id in ids)
        {
            if (await FindAsync(id.ToString()) is { } record && (kind is null || record.Kind == kind))
            {
                records.Add(record);
                if (records.Count == limit)
                {
                    break;
                }
            }
        }

        return records;
    }
}
