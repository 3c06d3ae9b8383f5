using System.ComponentModel.DataAnnotations;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Bound from <c>Replication:Health</c>, validated on start: when DR calls its replication healthy, and how often
/// it looks. The rule itself is <see cref="ReplicationHealthRule"/>.
/// </summary>
public sealed class ReplicationHealthOptions
{
    public const string SectionName = "Replication:Health";
    public const long DefaultMaxLagBytes = 16 * 1024 * 1024;

    /// <summary>How long DR may hear nothing from the primary while the primary has WAL DR has not received.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxMessageAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>WAL the primary has written that DR has not confirmed, beyond which replication is unhealthy.</summary>
    [Range(1, long.MaxValue)]
    public long MaxLagBytes { get; set; } = DefaultMaxLagBytes;

    /// <summary>How often the background poller refreshes the verdict and the gauges (a scrape never queries PostgreSQL).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Bound on every query of the status (DR's own database and the primary's).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(3);
}
