using System.Text.Json;

namespace AtlasBank.Chaos.ServiceDefaults.Shadow;

/// <summary>
/// One request the primary ledger served, captured for replay against DR: what was asked, what the primary
/// answered, and the primary's WAL position when the sample was published (DR must have replicated at least
/// that far before its answer can be expected to match).
/// </summary>
public sealed record ShadowSample(
    string Id,
    string Method,
    string PathAndQuery,
    int Status,
    string? ContentType,
    string Body,
    bool BodyTruncated,
    double PrimaryLatencyMs,
    DateTimeOffset SampledAt,
    string? ChaosExperimentId,
    string? PrimaryLsn)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ShadowSample? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ShadowSample>(json, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Redis keys of shadow traffic, all under <c>REDIS_KEY_PREFIX</c> (default <c>shadow:</c>).</summary>
public sealed class ShadowRedisKeys(string prefix)
{
    public const string DefaultPrefix = "shadow:";
    public const string SampleField = "sample";

    public string Prefix { get; } = prefix;

    /// <summary>Stream of <see cref="ShadowSample"/>s, written by the primary ledger, read by the agents' group.</summary>
    public string Samples => Prefix + "samples";

    /// <summary>Counter of samples the primary dropped because its buffer was full or Redis was away.</summary>
    public string Dropped => Prefix + "dropped";

    /// <summary>One comparison as JSON, 24 h TTL (the spec lists them with <c>KEYS shadow:comparison:*</c>).</summary>
    public string Comparison(string id) => $"{Prefix}comparison:{id}";

    /// <summary>Sorted set of comparison ids by time, all verdicts.</summary>
    public string ComparisonIndex => Prefix + "comparisons";

    /// <summary>Sorted set of comparison ids by time, one verdict.</summary>
    public string ComparisonIndexOf(string verdict) => $"{Prefix}comparisons:{verdict}";

    /// <summary>Hash of verdict counts for one 10-second bucket (Unix seconds / 10).</summary>
    public string WindowBucket(long bucket) => $"{Prefix}window:{bucket}";

    public string DriftLatest => Prefix + "drift:latest";

    /// <summary>Sorted set of drift reports (JSON) by time, 24 h.</summary>
    public string DriftHistory => Prefix + "drift:history";

    /// <summary>Taken by the one agent replica that runs a validation round.</summary>
    public string ValidationLock => Prefix + "drift:lock";
}

/// <summary>The spec's environment variables shared by the ledger's tap and the agent.</summary>
public static class ShadowEnvironment
{
    public const string Rate = "SHADOW_RATE";
    public const string Source = "SHADOW_SRC";
    public const string Destination = "SHADOW_DST";
    public const string KeyPrefix = "REDIS_KEY_PREFIX";
    public const double DefaultRate = 0.05;

    /// <summary>Marks the agent's own requests, which the primary must never sample (or replays would breed replays).</summary>
    public const string ReplayHeader = "X-Shadow-Replay";

    /// <summary>SHADOW_RATE as a number; NaN when it is set but not a number, so validation names it.</summary>
    public static double ParseRate(string? value) =>
        value is null ? DefaultRate
        : double.TryParse(value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var rate) ? rate
        : double.NaN;
}
