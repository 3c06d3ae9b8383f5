using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.ServiceDefaults.Dr;

/// <summary>How a service follows the active region. Bound from <c>Dr:Routing</c>; validated on start.</summary>
public sealed class DrRoutingOptions
{
    public const string SectionName = "Dr:Routing";

    public static readonly TimeSpan DefaultResyncInterval = TimeSpan.FromSeconds(5);

    /// <summary>Full re-read of the routing state, on top of the change messages, in case one was lost.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ResyncInterval { get; set; } = DefaultResyncInterval;
}
