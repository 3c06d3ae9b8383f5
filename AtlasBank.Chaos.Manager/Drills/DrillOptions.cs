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

        if (MinRatePerSecond > MaxRatePerSecond)
        {
            yield return new ValidationResult($"{SectionName}:MinRatePerSecond must not exceed MaxRatePerSecond.", [nameof(MinRatePerSecond)]);
        }
    }
}
