namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>
/// How calls and organic failures of chaos targets are bucketed in Redis: every service adds its counts, the
/// manager's auto-disable sums the buckets of its window.
/// </summary>
public static class ChaosHealthBuckets
{
    /// <summary>Buckets are this many seconds wide.</summary>
    public const int Seconds = 10;

    public const string CallsField = "calls";
    public const string FailuresField = "failures";

    /// <summary>How long a bucket is kept: well beyond any auto-disable window.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromMinutes(15);

    public static long Of(DateTimeOffset time) => time.ToUnixTimeSeconds() / Seconds;
}
