using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>How the drills' bank workload calls the ledger (<c>ChaosManager:Drills:Workload</c>); validated on start.</summary>
public sealed class WorkloadOptions
{
    public const string SectionName = "ChaosManager:Drills:Workload";

    /// <summary>Requests of one workload phase in flight at once; beyond it a due request waits, and the wait counts as its latency.</summary>
    [Range(1, 10_000)]
    public int MaxInFlight { get; set; } = 256;

    /// <summary>The longest one transfer may take, retries included; after it the outcome is unknown.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What each of a run's accounts is funded with: far above <see cref="MaxAmount"/>, so insufficient funds stay rare.</summary>
    [Range(typeof(decimal), "1", "1000000")]
    public decimal OpeningBalance { get; set; } = 10_000m;

    /// <summary>The largest transfer; amounts are drawn from 0.01 to this, in cents.</summary>
    [Range(typeof(decimal), "0.01", "10000")]
    public decimal MaxAmount { get; set; } = 10m;

    /// <summary>
    /// Acknowledged and unknown requests kept for the invariants to look up one by one; beyond it the oldest are let go
    /// and counted. A check confirms the acknowledgements it found, so this is reached only when no check could read the
    /// ledger for a long while (at 500/s, 200 s) or the drill checks no invariants. About 250 bytes each.
    /// </summary>
    [Range(1_000, 10_000_000)]
    public int UncheckedLimit { get; set; } = 100_000;

    /// <summary>How long acknowledgements are kept in full for a failover's RPO and the first write after it.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan AcknowledgementsKept { get; set; } = TimeSpan.FromMinutes(2);
}
