using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>How requests without a valid key are audited (<c>ChaosManager:DenialAudit</c>).</summary>
public sealed class DenialAuditOptions
{
    public const string SectionName = "ChaosManager:DenialAudit";

    /// <summary>One row per source address and status for each window.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
