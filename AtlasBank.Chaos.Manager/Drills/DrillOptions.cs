using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// Where drill definitions come from besides the built-ins, and the bounds of a run (<c>ChaosManager:Drills</c>).
/// Validated on start; the definitions themselves are loaded and validated on start too (<see cref="DrillCatalog"/>).
/// </summary>
public sealed class DrillOptions : IValidatableObject
{
    public const string SectionName = "ChaosManager:Drills";

    /// <summary>A folder of the operator's own <c>*.json</c> definitions, loaded with the built-ins; none when empty.</summary>
    public string? Folder { get; set; }

    /// <summary>The shortest run a definition or an override may ask for.</summary>
    [Range(1, 86_400)]
    public int MinDurationSeconds { get; set; } = 5;

    /// <summary>The longest run a definition or an override may ask for.</summary>
    [Range(1, 86_400)]
    public int MaxDurationSeconds { get; set; } = 3_600;

    [Range(1, 100_000)]
    public int MinRatePerSecond { get; set; } = 1;

    /// <summary>The highest workload rate, transfers a second, a definition or an override may ask for.</summary>
    [Range(1, 100_000)]
    public int MaxRatePerSecond { get; set; } = 500;

    /// <summary>How long a run's owner holds it without renewing; another replica takes over a run whose lease ran out.</summary>
    [Range(typeof(TimeSpan), "00:00:03", "00:10:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How often an owner renews its runs' leases (and saves their evidence so far).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan LeaseRenewal { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often every replica looks for runs whose lease ran out. Lease + this is the longest an orphan waits.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan OrphanScanInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A run's deadline is its start plus <c>DurationSeconds</c> plus this: time for slow steps, never for more chaos.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:30:00")]
    public TimeSpan DeadlineGrace { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long, after the workload stops, DR may take to hold the same balances as the primary.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan DrConvergenceBound { get; set; } = TimeSpan.FromSeconds(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Folder) && !Directory.Exists(Folder))
        {
            yield return new ValidationResult($"{SectionName}:Folder '{Folder}' does not exist or is not a folder.", [nameof(Folder)]);
        }

        if (MinDurationSeconds > MaxDurationSeconds)
        {
            yield return new ValidationResult($"{SectionName}:MinDurationSeconds must not exceed MaxDurationSeconds.", [nameof(MinDurationSeconds)]);
        }

        if (LeaseRenewal * 2 > Lease)
        {
            yield return new ValidationResult($"{SectionName}:LeaseRenewal must be at most half of Lease, so one missed renewal does not lose the run.", [nameof(LeaseRenewal)]);
        }

        if (MinRatePerSecond > MaxRatePerSecond)
        {
            yield return new ValidationResult($"{SectionName}:MinRatePerSecond must not exceed MaxRatePerSecond.", [nameof(MinRatePerSecond)]);
        }
    }
}
