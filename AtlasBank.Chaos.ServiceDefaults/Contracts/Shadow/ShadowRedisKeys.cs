namespace AtlasBank.Chaos.Contracts.Shadow;

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
