using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;

namespace AtlasBank.Chaos.Contracts.Shadow;

/// <summary>
/// Shadow-traffic settings of both sides: the primary ledger's tap and the agent. Bound from <c>Shadow</c>,
/// with the spec's variables (<see cref="ShadowSpecVariables"/>) as aliases, and validated on start by
/// <c>AddShadowOptions</c>.
/// </summary>
public sealed class ShadowOptions
{
    public const string SectionName = "Shadow";
    public const string DefaultSource = "ledgerapi:6181";
    public const string DefaultDestination = "ledgerapi-dr:6181";
    public const double DefaultRate = 0.05;
    public const string KeyPrefixPattern = "^[A-Za-z0-9:_.-]{1,64}$";

    /// <summary>The primary ledger, as <c>host[:port]</c> or a URL; resolved by service discovery.</summary>
    [Required]
    public string Source { get; set; } = DefaultSource;

    /// <summary>The DR ledger, as <c>host[:port]</c> or a URL.</summary>
    [Required]
    public string Destination { get; set; } = DefaultDestination;

    /// <summary>The primary samples this share of its safe requests (the ledger applies it; the agent reports it).</summary>
    [Range(0.0, 1.0, ErrorMessage = "SHADOW_RATE must be a number from 0.0 to 1.0.")]
    public double Rate { get; set; } = DefaultRate;

    [Required, RegularExpression(KeyPrefixPattern, ErrorMessage = "REDIS_KEY_PREFIX must be 1 to 64 letters, digits or : _ . -")]
    public string KeyPrefix { get; set; } = ShadowRedisKeys.DefaultPrefix;

    // The primary's tap.

    /// <summary>Samples waiting to be published; beyond it new samples are dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

    /// <summary>Memory the waiting samples may take (their strings, as .NET holds them); beyond it new samples are dropped too.</summary>
    [Range(1_048_576L, 4_294_967_296L)]
    public long BufferBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest response body kept; a longer one is compared by status only.</summary>
    [Range(1_024, 10 * 1024 * 1024)]
    public int MaxBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Stream length kept in Redis (approximate trim).</summary>
    [Range(100, 10_000_000)]
    public int MaxStreamLength { get; set; } = 100_000;

    /// <summary>Only safe methods are replayed: a write is never sent to DR.</summary>
    public string[] Methods { get; set; } = ["GET", "HEAD"];

    /// <summary>Paths whose answers differ by design between primary and DR.</summary>
    public string[] ExcludePaths { get; set; } = ["/health", "/alive", "/dr", "/metrics", "/openapi", "/scalar"];

    // The agent: replay, comparison and validation.

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

    /// <summary>
    /// Share of a window's verdicts that are <c>lag</c> or <c>error</c> beyond which the agent raises its replication
    /// alert, even while DR calls its replication healthy: DR that cannot be compared is not DR that matches.
    /// </summary>
    [Range(0.0, 1.0)]
    public double ReplicationAlertShare { get; set; } = 0.5;

    /// <summary>Verdicts a window needs before <see cref="ReplicationAlertShare"/> is judged: two lags are not a trend.</summary>
    [Range(1, 1_000_000)]
    public int ReplicationAlertMinSamples { get; set; } = 10;

    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan ComparisonTtl { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Newest comparisons kept, index entries and documents alike (besides dropping those older than
    /// <see cref="ComparisonTtl"/>), trimmed on every write: Redis holds at most this many, whatever the sample rate.
    /// </summary>
    [Range(10, 10_000_000)]
    public int MaxIndexedComparisons { get; set; } = 100_000;

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

    /// <summary>
    /// An address as the spec writes it (<c>host[:port]</c>) or a URL, as an absolute URI. A method, not a
    /// property, so validation can name a bad address instead of tripping over it.
    /// </summary>
    public static bool TryParseAddress(string? address, [NotNullWhen(true)] out Uri? uri)
    {
        uri = null;
        return !string.IsNullOrEmpty(address)
            && Uri.TryCreate(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address, UriKind.Absolute, out uri);
    }

    public static Uri ToUri(string address) =>
        TryParseAddress(address, out var uri) ? uri : throw new FormatException($"'{address}' is neither host[:port] nor a URL.");
}
