using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>Enables several experiments at once with the spec's <c>POST /chaos/bulk-enable</c> body: all or none.</summary>
public sealed class BulkEnableStep : DrillStep
{
    public EnableChaosRequest?[]? Body { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (Body is null)
        {
            validation.Add($"{path}.Body", "Required: the /chaos/bulk-enable body, a JSON array of experiments.");
            return;
        }

        ChaosRequestValidator.ValidateBulk(Body, validation.Limits, validation.Targets, validation.Errors, $"{path}.Body");
    }
}
