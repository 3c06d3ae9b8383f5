using System.Threading.RateLimiting;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>
/// One key's limit under one policy, counted in Redis so every manager replica spends from the same budget: behind a
/// round-robin address, per-process buckets would give each key its limit once per replica. A sliding window: the
/// current window's count plus the previous window's, weighted by how much of it still lies within the last
/// <c>window</c>, may not pass <c>limit</c>. One MULTI (INCR, PEXPIRE, GET) per request, so concurrent requests of one
/// key never contend, and the manager's Redis user needs no scripting; a refused request gives its count back. Redis
/// unreachable: the request passes (logged) and the endpoint itself answers for its missing Redis.
/// </summary>
public sealed partial class SharedRateLimiter(
    IConnectionMultiplexer redis, string key, TimeSpan window, int limit, TimeProvider timeProvider, ILogger logger) : RateLimiter
{
    public override TimeSpan? IdleDuration => null;

    public override RateLimiterStatistics? GetStatistics() => null;

    /// <summary>Never decided without Redis: the middleware then asks <see cref="AcquireAsyncCore"/>.</summary>
    protected override RateLimitLease AttemptAcquireCore(int permitCount) => Lease.Undecided;

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken)
    {
        try
        {
            // Whole ticks throughout: a count is allowed or not exactly, on every replica alike.
            var now = timeProvider.GetUtcNow().UtcTicks;
            var index = now / window.Ticks;
            var into = now - (index * window.Ticks);
            var current = $"{key}:{index}";

            var database = redis.GetDatabase();
            var transaction = database.CreateTransaction();
            var counted = transaction.StringIncrementAsync(current);
            _ = transaction.KeyExpireAsync(current, window * 2);
            var previous = transaction.StringGetAsync($"{key}:{index - 1}");
            await transaction.ExecuteAsync();

            var mine = await counted;
            var before = (long?)await previous ?? 0;
            if ((before * (window.Ticks - into)) + (mine * window.Ticks) <= limit * window.Ticks)
            {
                return Lease.Granted;
            }

            await database.StringDecrementAsync(current);
            return Lease.Refused(RetryAfter(before, mine - 1, into));
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            LogUnchecked(key, ex.Message);
            return Lease.Granted;
        }
    }

    /// <summary>
    /// How long until one more request fits, given the previous window's count, the current one's (without the refused
    /// request) and how far (in ticks) into the current window it is.
    /// </summary>
    public TimeSpan RetryAfter(long previous, long current, long into)
    {
        var rest = window.Ticks - into;
        var wait = current + 1 <= limit
            // Within this window, once enough of the previous one has slid out.
            ? rest - ((limit - current - 1) * window.Ticks / previous)
            // In the next window, once enough of this one has slid out.
            : rest + window.Ticks - ((limit - 1) * window.Ticks / current);
        return TimeSpan.FromTicks(Math.Max(1, wait));
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
