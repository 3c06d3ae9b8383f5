using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>
/// How the invariant checker reads the ledger databases (<c>ChaosManager:Drills:Invariants</c>); validated on start.
/// Every wait is short: during a drill a database may be exactly what is down.
/// </summary>
public sealed class LedgerInvariantOptions
{
    public const string SectionName = "ChaosManager:Drills:Invariants";

    /// <summary>The auditor's connection name on the primary (<c>ledger_auditor</c>, read-only).</summary>
    public const string PrimaryConnectionName = "ledger-auditor";

    /// <summary>The auditor's connection name on DR.</summary>
    public const string DrConnectionName = "ledger-dr-auditor";

    [Range(typeof(TimeSpan), "00:00:01", "00:00:30")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often DR is read while waiting for it to converge.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan DrPollInterval { get; set; } = TimeSpan.FromMilliseconds(250);
}
