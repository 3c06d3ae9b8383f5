namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// A pause: a fixed <c>Seconds</c>, or <c>"Rest": true</c> — until the run's <c>DurationSeconds</c> less the fixed
/// time of the steps after it, counted from the run's start. A rest wait is what lets one drill run for its default
/// length or for a shorter or longer override without changing its steps.
/// </summary>
public sealed class WaitStep : DrillStep
{
    public const int MaxSeconds = 3_600;

    public int? Seconds { get; init; }

    public bool Rest { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (Rest && Seconds is not null)
        {
            validation.Add($"{path}.Seconds", "Give Seconds or \"Rest\": true, not both.");
        }
        else if (!Rest && Seconds is not (>= 1 and <= MaxSeconds))
        {
            validation.Add($"{path}.Seconds", $"Required (unless \"Rest\": true): from 1 to {MaxSeconds} seconds.");
        }
    }
}
