namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>The agent's latest drift rate above the noise floor (<c>GET /shadow/drift</c>) is at most <c>MaxDriftRate</c>.</summary>
public sealed class DriftProbe : DrillProbe
{
    public double? MaxDriftRate { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (MaxDriftRate is not { } rate || !double.IsFinite(rate) || rate is < 0 or > 1)
        {
            validation.Add($"{path}.MaxDriftRate", "Required: a share from 0.0 to 1.0 (the spec alerts above 0.1).");
        }
    }
}
