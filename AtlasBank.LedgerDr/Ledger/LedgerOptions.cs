using System.ComponentModel.DataAnnotations;
using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Bound from <c>Ledger</c>; validated on start.</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";
    public const string DatabaseConnectionName = "ledgerdb";

    /// <summary>What this ledger is when the bank is at home: the primary, or the DR copy replicating from it.</summary>
    [Required]
    public LedgerRole? Role { get; set; }

    /// <summary>
    /// The region this ledger serves (<c>region-a</c> or <c>region-b</c>): it takes writes only while the routing names
    /// it active. No default: a ledger that guessed its region could become a second writer.
    /// </summary>
    [Required]
    [AllowedValues(DrRegions.A, DrRegions.B, ErrorMessage = "Ledger:Region must be region-a or region-b.")]
    public string? Region { get; set; }

    /// <summary>
    /// In synchronous mode, how long a transfer's answer waits for DR to confirm its commit before the ledger answers
    /// 503 instead (a keyed retry then acknowledges it once DR has it).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan StandbyConfirmTimeout { get; set; } = TimeSpan.FromSeconds(2);

    public bool IsDr => Role == LedgerRole.Dr;
}
