namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>Abort when the workload's error rate stays above <c>Above</c> (0.0–1.0) for <c>ForSeconds</c> in a row.</summary>
public sealed class WorkloadErrorRateCondition
{
    public const int MaxSeconds = 3_600;

    public double? Above { get; init; }

    public int? ForSeconds { get; init; }

    public void Validate(DrillValidation validation, string path)
    {
        if (Above is not { } rate || !double.IsFinite(rate) || rate is <= 0 or > 1)
        {
            validation.Add($"{path}.Above", "Required: a share above 0.0, at most 1.0 (0.2 = 20 %).");
        }

        if (ForSeconds is not (>= 1 and <= MaxSeconds))
        {
            validation.Add($"{path}.ForSeconds", $"Required: from 1 to {MaxSeconds} seconds.");
        }

        if (!validation.RunsWorkload)
        {
            validation.Add(path, "Needs a workload step in the method.");
        }
    }
}
