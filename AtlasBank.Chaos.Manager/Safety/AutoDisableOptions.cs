using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>
/// The circuit breaker on experiments (<c>ChaosManager:AutoDisable</c>). Its signal is failures chaos did not
/// inject itself — timeouts, real 5xx, refused connections seen by the inject probe and by every service's
/// HttpClients — so a deliberate FailureRate of 1.0 (a regional-outage drill) is left alone, while an
/// experiment that breaks more than it should is switched off.
/// </summary>
public sealed class AutoDisableOptions
{
    public const string SectionName = "ChaosManager:AutoDisable";

    public bool Enabled { get; set; } = true;

    /// <summary>Share of calls failing on their own above which chaos is disabled.</summary>
    [Range(0.01, 1.0)]
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Fewest calls in the window before the ratio counts.</summary>
    [Range(1, 100_000)]
    public int MinimumCalls { get; set; } = 20;

    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromSeconds(60);

    [Range(typeof(TimeSpan), "00:00:00.500", "00:10:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);
}
