using System.ComponentModel.DataAnnotations;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Bound from <c>Ledger</c>; validated on start.</summary>
public sealed class LedgerOptions
{
    public const string SectionName = "Ledger";
    public const string DatabaseConnectionName = "ledgerdb";

    [Required]
    public LedgerRole? Role { get; set; }

    public bool IsDr => Role == LedgerRole.Dr;
}
