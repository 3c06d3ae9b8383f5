using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>How a service follows chaos state. Bound from <c>Chaos</c>; validated on start.</summary>
public sealed class ChaosOptions
{
    public const string SectionName = "Chaos";

    /// <summary>Off: this service never injects, whatever Redis says.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Connection string name of the Redis that holds chaos state.</summary>
    [Required]
    public string RedisConnectionName { get; set; } = "redis";

    /// <summary>Full re-read of the state, on top of the change notifications.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ResyncInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A cache not refreshed for this long is distrusted: nothing is injected until it is.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan StaleAfter { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Extra host names per chaos target, e.g. <c>Chaos:Aliases:payments:0 = payments-gateway</c>. The names
    /// <c>{service}</c>, <c>{service}api</c> and the host of the target's TargetUrl always match.
    /// </summary>
    public Dictionary<string, string[]> Aliases { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
