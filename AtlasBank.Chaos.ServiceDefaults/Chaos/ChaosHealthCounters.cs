using System.Collections.Concurrent;
using AtlasBank.Chaos.Contracts.Chaos;
using StackExchange.Redis;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// Calls to chaos targets and the failures chaos did not inject itself (timeouts, real 5xx, refused
/// connections), counted in memory per service and added to Redis in one batch per resync — never a Redis call
/// per request. The manager's auto-disable reads the sums.
/// </summary>
public sealed class ChaosHealthCounters
{
    private readonly ConcurrentDictionary<string, Counts> _counts = new(StringComparer.Ordinal);

    public void Record(string service, bool organicFailure)
    {
        var counts = _counts.GetOrAdd(service, _ => new Counts());
        Interlocked.Increment(ref counts.Calls);
        if (organicFailure)
        {
            Interlocked.Increment(ref counts.Failures);
        }
    }

    /// <summary>What was counted for <paramref name="service"/> since the last flush.</summary>
    public (long Calls, long Failures) CountOf(string service) =>
        _counts.TryGetValue(service, out var counts) ? (Interlocked.Read(ref counts.Calls), Interlocked.Read(ref counts.Failures)) : (0, 0);

    /// <summary>Adds what was counted since the last flush to the current bucket; puts it back if Redis fails.</summary>
    public async Task FlushAsync(IDatabaseAsync database, DateTimeOffset now)
    {
        var bucket = ChaosHealthBuckets.Of(now);
        foreach (var (service, counts) in _counts)
        {
            var calls = Interlocked.Exchange(ref counts.Calls, 0);
            var failures = Interlocked.Exchange(ref counts.Failures, 0);
            if (calls == 0)
            {
                continue;
            }

            try
            {
                await AddAsync(database, service, bucket, calls, failures);
            }
            catch (RedisException)
            {
                Interlocked.Add(ref counts.Calls, calls);
                Interlocked.Add(ref counts.Failures, failures);
                throw;
            }
        }
    }

    private static async Task AddAsync(IDatabaseAsync database, string service, long bucket, long calls, long failures)
    {
        var key = ChaosRedisKeys.Health(service, bucket);
        await Task.WhenAll(
            database.HashIncrementAsync(key, ChaosHealthBuckets.CallsField, calls),
            database.HashIncrementAsync(key, ChaosHealthBuckets.FailuresField, failures),
            database.KeyExpireAsync(key, ChaosHealthBuckets.Retention));
    }

    private sealed class Counts
    {
        public long Calls;
        public long Failures;
    }
}
