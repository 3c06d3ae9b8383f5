using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>Limits and defaults of the chaos API. Bound from <c>ChaosManager</c>; validated on start.</summary>
public sealed class ChaosManagerOptions
{
    public const string SectionName = "ChaosManager";

    /// <summary>Lease of an experiment whose request names none (<c>DurationSeconds</c>).</summary>
    [Range(1, 86_400)]
    public int DefaultDurationSeconds { get; set; } = 1_800;

    /// <summary>The longest lease a request may ask for.</summary>
    [Range(1, 86_400)]
    public int MaxDurationSeconds { get; set; } = 14_400;

    [Range(0, 600_000)]
    public int MaxDelayMs { get; set; } = 60_000;

    [Range(0, 100)]
    public int MaxRetryCount { get; set; } = 10;

    [Range(1, 1_000)]
    public int MaxBulkItems { get; set; } = 50;

    /// <summary>Pause between the inject probe's retries.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan InjectRetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How often <c>chaos_success_rate</c> is re-read from the shared statistics.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan StatsRefreshInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Hosts a <c>TargetUrl</c> may name besides the services the manager knows (see <see cref="ChaosTargetAllowlist"/>).
    /// An IP address or a name that leads into a private network belongs here only on purpose.
    /// </summary>
    public string[] AllowedTargetHosts { get; set; } = [];

    /// <summary>Inject statistics of a service no one has injected into for this long are dropped.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00")]
    public TimeSpan StatsRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Bound on one inject call, retries and injected delays included.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan InjectTimeout { get; set; } = TimeSpan.FromMinutes(2);
}
