using System.Globalization;
using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>
/// One key's limit under one policy, kept in Redis so every manager replica spends from the same budget: behind a
/// round-robin address, per-process buckets would give each key its limit once per replica. The algorithm is GCRA
/// (a token bucket of <c>burst</c> tokens refilled one per <c>interval</c>), its state one time (in ticks) written with an
/// optimistic transaction (WATCH), so the manager's Redis user needs no scripting. Redis unreachable: the request
/// passes (logged) and the endpoint itself answers for its missing Redis.
/// </summary>
public sealed partial class SharedRateLimiter(
    IConnectionMultiplexer redis, string key, TimeSpan interval, int burst, TimeProvider timeProvider, ILogger logger) : RateLimiter
{
    // Concurrent requests of one key race for the same timestamp; past this many lost races, answer 429 for a second.
    private const int Attempts = 5;

    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Never decided without Redis: the middleware then asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.GetDatabase();
            // Ticks, not milliseconds: 100 000 a second is an interval of 10 µs.
            var window = interval.Ticks * burst;
            for (var attempt = 0; attempt < Attempts; attempt++)
            {
                var now = timeProvider.GetUtcNow().UtcTicks;
                var stored = await database.StringGetAsync(key);
                var arrival = stored.HasValue && long.TryParse(stored.ToString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var known) ? Math.Max(known, now) : now;
                var next = arrival + interval.Ticks;
                if (next - now > window)
                {
                    return Lease.Refused(TimeSpan.FromTicks(next - now - window));
                }

                var transaction = database.CreateTransaction();
                transaction.AddCondition(stored.HasValue ? Condition.StringEqual(key, stored) : Condition.KeyNotExists(key));
                // Kept a second past the arrival time: Redis expires in whole milliseconds, and a stale time is harmless.
                _ = transaction.StringSetAsync(key, next.ToString(CultureInfo.InvariantCulture), TimeSpan.FromTicks(next - now) + TimeSpan.FromSeconds(1));
                if (await transaction.ExecuteAsync())
                {
                    return Lease.Granted;
                }
            }

            return Lease.Refused(TimeSpan.FromSeconds(1));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnchecked(key, ex.Message);
            return Lease.Granted;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit {Key} not checked (Redis unreachable): {Reason}")]
    private partial void LogUnchecked(string key, string reason);

    private sealed class Lease(bool acquired, TimeSpan? retryAfter) : RateLimitLease
    {
        public static readonly Lease Granted = new(true, null);
        public static readonly Lease Undecided = new(false, null);

        public static Lease Refused(TimeSpan retryAfter) => new(false, retryAfter);

        public override bool IsAcquired => acquired;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = retryAfter;
            return retryAfter is not null && metadataName == MetadataName.RetryAfter.Name;
        }
    }
}
