using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>Per-key limits (<c>ChaosManager:RateLimits</c>); a key may carry its own in its entry.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "ChaosManager:RateLimits";
    public const string InjectPolicy = "chaos-inject";
    public const string ChangePolicy = "chaos-change";

    /// <summary>Inject calls per second per key (also the burst).</summary>
    [Range(1, 100_000)]
    public int InjectPerSecond { get; set; } = 20;

    /// <summary>Requests without a key per second per client address (also the burst), refused before authentication.</summary>
    [Range(1, 100_000)]
    public int KeylessPerSecond { get; set; } = 10;

    /// <summary>Changes (enable, disable, bulk, lifting the halt) per minute per key (also the burst).</summary>
    [Range(1, 100_000)]
    public int ChangesPerMinute { get; set; } = 60;
}
