using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>Disables one service's chaos, as <c>POST /chaos/disable</c> does; nothing to disable is not an error.</summary>
public sealed class DisableStep : DrillStep
{
    public string? Service { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (!ChaosRequestValidator.IsValidServiceName(Service))
        {
            validation.Add($"{path}.Service", ChaosRequestValidator.ServiceNameRule);
        }
    }
}
