namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// Promote the other region (<c>POST /dr/failover</c>). Automatic (the default): wait until the detector finds the
/// active region down, then promote; otherwise promote at once, as an operator would. RTO runs from the last step
/// that enabled chaos.
/// </summary>
public sealed class FailoverStep : DrillStep
{
    public const int MaxDetectionSeconds = 120;

    public bool Automatic { get; init; } = true;

    /// <summary>
    /// Promote even if region B lacks acknowledged transfers or its loss cannot be measured (the old writer's database
    /// is down), as <c>"AcceptDataLoss": true</c> does for <c>POST /dr/failover</c>. Off by default: a drill that means to
    /// lose data says so.
    /// </summary>
    public bool AcceptDataLoss { get; init; }

    /// <summary>How long automatic promotion waits for the detector before the step fails.</summary>
    public int DetectionTimeoutSeconds { get; init; } = 30;

    public override void Validate(DrillValidation validation, string path)
    {
        if (DetectionTimeoutSeconds is < 1 or > MaxDetectionSeconds)
        {
            validation.Add($"{path}.DetectionTimeoutSeconds", $"From 1 to {MaxDetectionSeconds} seconds.");
        }
    }
}
