using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// A burst of <c>GET /chaos/inject</c>: <c>Count</c> calls, <c>IntervalMs</c> apart (the spec's loops), into
/// <c>Service</c> — the drill's <c>Target</c> when omitted, which an earlier step must have enabled.
/// </summary>
public sealed class InjectStep : DrillStep
{
    public const int MaxCount = 1_000;
    public const int MaxIntervalMs = 60_000;

    public int? Count { get; init; }

    public int IntervalMs { get; init; }

    public string? Service { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (Count is not (>= 1 and <= MaxCount))
        {
            validation.Add($"{path}.Count", $"Required: from 1 to {MaxCount} calls.");
        }

        if (IntervalMs is < 0 or > MaxIntervalMs)
        {
            validation.Add($"{path}.IntervalMs", $"From 0 to {MaxIntervalMs} ms.");
        }

        if (Service is not null && !ChaosRequestValidator.IsValidServiceName(Service))
        {
            validation.Add($"{path}.Service", ChaosRequestValidator.ServiceNameRule);
        }
    }
}
