using System.ComponentModel.DataAnnotations;
using AtlasBank.Chaos.Contracts.Shadow;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// The agent's shadow-traffic settings: the spec's environment variables (<c>SHADOW_SRC</c>, <c>SHADOW_DST</c>,
/// <c>SHADOW_RATE</c>, <c>REDIS_KEY_PREFIX</c>) and the <c>Shadow</c> section. Validated on start.
/// </summary>
public sealed class ShadowOptions
{
    public const string SectionName = "Shadow";

    /// <summary>The primary ledger, as <c>host[:port]</c> or a URL; resolved by service discovery.</summary>
    [Required]
    public string Source { get; set; } = "ledgerapi:6181";

    /// <summary>The DR ledger, as <c>host[:port]</c> or a URL.</summary>
    [Required]
    public string Destination { get; set; } = "ledgerapi-dr:6181";

    /// <summary>The primary samples this share of its safe requests (the agent reports it; the ledger applies it).</summary>
    [Range(0.0, 1.0, ErrorMessage = "SHADOW_RATE must be a number from 0.0 to 1.0.")]
    public double Rate { get; set; } = ShadowSpecVariables.DefaultRate;

    [Required, RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "REDIS_KEY_PREFIX must be 1 to 64 letters, digits or : _ . -")]
    public string KeyPrefix { get; set; } = ShadowRedisKeys.DefaultPrefix;

    /// <summary>How often the drift rate is validated (the spec: every 5 minutes).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ValidationInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The span of comparisons one validation looks at.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "1.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Drift rate (above the noise floor) that raises the warning; the spec alerts above 10 %.</summary>
    [Range(0.0, 1.0)]
    public double DriftThreshold { get; set; } = 0.10;

    /// <summary>How long a mismatch may wait for DR to catch up before it is called <c>lag</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan LagRetryWindow { get; set; } = TimeSpan.FromSeconds(30);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan LagRetryDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Mismatches seen with DR caught up, in a row, before the verdict is <c>drift</c>.</summary>
    [Range(1, 10)]
    public int DriftConfirmations { get; set; } = 2;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ComparisonTtl { get; set; } = TimeSpan.FromHours(24);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>JSON paths left out of comparisons: <c>*</c> is one name, <c>**</c> any depth, <c>[*]</c> any index.</summary>
    public string[] IgnorePaths { get; set; } = ["**.traceId", "**.requestId", "**.timestamp", "**.checkedAt"];

    /// <summary>
    /// Share of samples for which the primary is asked again, to measure how often it disagrees with itself
    /// (the noise floor). Each costs the primary one extra read.
    /// </summary>
    [Range(0.0, 1.0)]
    public double NoiseRate { get; set; } = 0.1;

    [Required]
    public string ConsumerGroup { get; set; } = "shadow-agents";

    [Range(1, 1_000)]
    public int BatchSize { get; set; } = 50;

    [Range(1, 64)]
    public int MaxConcurrency { get; set; } = 8;

    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:10")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public Uri SourceUri => ToUri(Source);

    public Uri DestinationUri => ToUri(Destination);

    public static Uri ToUri(string address) =>
        new(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address);
}
