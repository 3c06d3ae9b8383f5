using System.ComponentModel.DataAnnotations;
using AtlasBank.Chaos.Contracts.Shadow;

namespace AtlasBank.LedgerDr.Shadow;

/// <summary>
/// Which requests the primary ledger samples for DR comparison. Rate and key prefix come from the spec's
/// <c>SHADOW_RATE</c> and <c>REDIS_KEY_PREFIX</c>; the rest from <c>Shadow</c>. Validated on start.
/// </summary>
public sealed class ShadowTapOptions
{
    public const string SectionName = "Shadow";

    [Range(0.0, 1.0, ErrorMessage = "SHADOW_RATE must be a number from 0.0 to 1.0.")]
    public double Rate { get; set; } = ShadowSpecVariables.DefaultRate;

    [Required, RegularExpression("^[A-Za-z0-9:_.-]{1,64}$", ErrorMessage = "REDIS_KEY_PREFIX must be 1 to 64 letters, digits or : _ . -")]
    public string KeyPrefix { get; set; } = ShadowRedisKeys.DefaultPrefix;

    /// <summary>Samples waiting to be published; beyond it new samples are dropped (and counted), never waited for.</summary>
    [Range(1, 1_000_000)]
    public int BufferCapacity { get; set; } = 10_000;

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
}
