using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>Bound from <c>Dr</c>; validated on start.</summary>
public sealed class DrOptions
{
    public const string SectionName = "Dr";

    /// <summary>
    /// The lease of a failover or failback: renewed every third of it while its coordinator lives, so a dead
    /// coordinator's runs out this long after its last renewal and a surviving replica takes the operation over.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00")]
    public TimeSpan LockTtl { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each replica looks in the DR journal for an operation whose coordinator's lease ran out.</summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan TakeoverInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long the old writer's ledger has to confirm it refuses writes.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan FenceConfirmTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>A planned switchover (the old writer's database answers) waits this long for the new one to have every transfer.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CatchUpTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How far back (by the ledger's clock) stranded transfers are looked for, before the new writer's newest.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan StrandedLookback { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the detector probes the active region's ledger.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan DetectionInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Each probe's bound: a hung ledger is a failed probe.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan DetectionProbeTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Consecutive failed probes that make a region down.</summary>
    [Range(1, 20)]
    public int DetectionFailures { get; set; } = 3;

    /// <summary>How often the fence keeper checks that no region but the active one holds the write grant.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan FenceKeeperInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A replica whose confirmed position is further than this behind the fenced writer is promoted only with
    /// <c>"AcceptDataLoss": true</c> (as is one that lacks an acknowledged transfer, or whose loss cannot be measured).
    /// </summary>
    [Range(0, long.MaxValue)]
    public long MaxPromotionLagBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>How long a failback waits for region B's subscription to stream again.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ResubscribeTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
