using System.Text.Json;
using AtlasBank.Chaos.Contracts;
using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>Comparisons, rolling counters and drift reports in Redis, under <c>REDIS_KEY_PREFIX</c>.</summary>
public sealed class ShadowStore(IConnectionMultiplexer redis, IOptions<ShadowOptions> options, TimeProvider timeProvider)
{
    /// <summary>Rolling counters are kept in buckets of this many seconds.</summary>
    public const int BucketSeconds = 10;

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public ShadowRedisKeys Keys { get; } = new(options.Value.KeyPrefix);

    private IDatabase Database => redis.GetDatabase();

    public async Task SaveAsync(ShadowComparison comparison)
    {
        var ttl = options.Value.ComparisonTtl;
        var score = comparison.ComparedAt.ToUnixTimeMilliseconds();
        var bucket = Keys.WindowBucket(comparison.ComparedAt.ToUnixTimeSeconds() / BucketSeconds);
        var transaction = Database.CreateTransaction();
        _ = transaction.StringSetAsync(Keys.Comparison(comparison.Id), JsonSerializer.Serialize(comparison, Json), ttl);
        foreach (var index in new[] { Keys.ComparisonIndex, Keys.ComparisonIndexOf(comparison.Verdict) })
        {
            // Trimmed on write, by age and by count: the indexes never outgrow what they point at.
            _ = transaction.SortedSetAddAsync(index, comparison.Id, score);
            _ = transaction.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, (comparison.ComparedAt - ttl).ToUnixTimeMilliseconds());
        }

        _ = transaction.SortedSetRemoveRangeByRankAsync(Keys.ComparisonIndexOf(comparison.Verdict), 0, -(options.Value.MaxIndexedComparisons + 1));
        var indexed = transaction.SortedSetLengthAsync(Keys.ComparisonIndex);

        _ = transaction.HashIncrementAsync(bucket, comparison.Verdict);
        if (comparison.PrimarySelfDisagreed is { } disagreed)
        {
            _ = transaction.HashIncrementAsync(bucket, "noise_observed");
            _ = transaction.HashIncrementAsync(bucket, "noise_disagreed", disagreed ? 1 : 0);
        }

        _ = transaction.KeyExpireAsync(bucket, ttl + TimeSpan.FromHours(1));
        await transaction.ExecuteAsync();

        if (await indexed - options.Value.MaxIndexedComparisons is var overflow and > 0)
        {
            await EvictOldestAsync(overflow);
        }
    }

    /// <summary>
    /// Comparisons beyond the count bound go with their index entries, not only at their TTL: at a steady sample rate
    /// a day of them would otherwise fill Redis. Idempotent, so racing agents may both evict the same ones.
    /// </summary>
    private async Task EvictOldestAsync(long count)
    {
        var oldest = await Database.SortedSetRangeByRankAsync(Keys.ComparisonIndex, 0, count - 1);
        if (oldest.Length == 0)
        {
            return;
        }

        var eviction = Database.CreateTransaction();
        _ = eviction.KeyDeleteAsync([.. oldest.Select(id => (RedisKey)Keys.Comparison(id!))]);
        _ = eviction.SortedSetRemoveAsync(Keys.ComparisonIndex, oldest);
        await eviction.ExecuteAsync();
    }

    public async Task<ShadowComparison?> GetAsync(string id)
    {
        var value = await Database.StringGetAsync(Keys.Comparison(id));
        return value.HasValue ? JsonSerializer.Deserialize<ShadowComparison>(value.ToString(), Json) : null;
    }

    /// <summary>The newest comparisons, optionally of one verdict; expired ones are dropped from the index.</summary>
    public async Task<IReadOnlyList<ShadowComparison>> RecentAsync(string? verdict, int limit)
    {
        var index = verdict is null ? Keys.ComparisonIndex : Keys.ComparisonIndexOf(verdict);
        var cutoff = timeProvider.GetUtcNow() - options.Value.ComparisonTtl;
        await Database.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, cutoff.ToUnixTimeMilliseconds());
        var ids = await Database.SortedSetRangeByRankAsync(index, 0, limit - 1, Order.Descending);
        if (ids.Length == 0)
        {
            return [];
        }

        var values = await Database.StringGetAsync([.. ids.Select(id => (RedisKey)Keys.Comparison(id!))]);
        return [.. values.Where(value => value.HasValue).Select(value => JsonSerializer.Deserialize<ShadowComparison>(value.ToString(), Json)!)];
    }

    public async Task<ShadowCounts> CountsAsync(TimeSpan window)
    {
        var now = timeProvider.GetUtcNow().ToUnixTimeSeconds() / BucketSeconds;
        var buckets = (int)Math.Ceiling(window.TotalSeconds / BucketSeconds);
        var batch = Database.CreateBatch();
        var reads = Enumerable.Range(0, buckets + 1).Select(offset => batch.HashGetAllAsync(Keys.WindowBucket(now - offset))).ToArray();
        batch.Execute();
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var entry in (await Task.WhenAll(reads)).SelectMany(entries => entries))
        {
            totals[entry.Name!] = totals.GetValueOrDefault(entry.Name!) + (long)entry.Value;
        }

        long Get(string name) => totals.GetValueOrDefault(name);
        return new ShadowCounts(Get(Verdicts.Match), Get(Verdicts.Drift), Get(Verdicts.Lag), Get(Verdicts.Error), Get(Verdicts.Chaos),
            Get("noise_observed"), Get("noise_disagreed"));
    }

    public async Task<long> DroppedAsync()
    {
        var value = await Database.StringGetAsync(Keys.Dropped);
        return value.TryParse(out long dropped) ? dropped : 0;
    }

    /// <summary>Only one agent replica validates per interval.</summary>
    public Task<bool> TryTakeValidationTurnAsync(TimeSpan interval) =>
        RedisLeaderLease.TryAcquireAsync(Database, Keys.ValidationLock, interval * 0.9);

    public async Task SaveReportAsync(DriftReport report)
    {
        var json = JsonSerializer.Serialize(report, Json);
        var transaction = Database.CreateTransaction();
        _ = transaction.StringSetAsync(Keys.DriftLatest, json, options.Value.ComparisonTtl);
        _ = transaction.SortedSetAddAsync(Keys.DriftHistory, json, report.At.ToUnixTimeMilliseconds());
        _ = transaction.SortedSetRemoveRangeByScoreAsync(Keys.DriftHistory, double.NegativeInfinity, (report.At - options.Value.ComparisonTtl).ToUnixTimeMilliseconds());
        await transaction.ExecuteAsync();
    }

    public async Task<DriftReport?> LatestReportAsync()
    {
        var value = await Database.StringGetAsync(Keys.DriftLatest);
        return value.HasValue ? JsonSerializer.Deserialize<DriftReport>(value.ToString(), Json) : null;
    }

    public async Task<IReadOnlyList<DriftReport>> HistoryAsync(int limit)
    {
        var values = await Database.SortedSetRangeByRankAsync(Keys.DriftHistory, 0, limit - 1, Order.Descending);
        return [.. values.Select(value => JsonSerializer.Deserialize<DriftReport>(value.ToString(), Json)!)];
    }
}
