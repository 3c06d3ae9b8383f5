namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// What stops a run at once (then its rollback runs). Besides these, a run always aborts on the halt, on an
/// operator's disable-all and at its deadline (<c>DurationSeconds</c>); those are not switchable, so not fields.
/// </summary>
public sealed class DrillAbortConditions
{
    public const int MaxConsecutiveProbeFailures = 100;

    /// <summary>Abort when one hypothesis probe fails this many checks in a row; null: a failing probe fails the run at its end.</summary>
    public int? ConsecutiveProbeFailures { get; init; }

    public WorkloadErrorRateCondition? WorkloadErrorRate { get; init; }

    /// <summary>Abort on the first money-invariant violation (otherwise it fails the run at its end).</summary>
    public bool InvariantViolated { get; init; } = true;

    public void Validate(DrillValidation validation, string path)
    {
        if (ConsecutiveProbeFailures is < 1 or > MaxConsecutiveProbeFailures)
        {
            validation.Add($"{path}.ConsecutiveProbeFailures", $"From 1 to {MaxConsecutiveProbeFailures} checks.");
        }

        WorkloadErrorRate?.Validate(validation, $"{path}.WorkloadErrorRate");
    }
}
