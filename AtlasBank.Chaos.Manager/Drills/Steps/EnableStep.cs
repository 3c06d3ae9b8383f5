using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// Enables chaos with the spec's <c>POST /chaos/enable</c> body, as it is, checked by the same rules as the endpoint.
/// A body without <c>DurationSeconds</c> gets the run's remaining time as its lease, so the chaos ends with the run
/// even if no one disables it.
/// </summary>
public sealed class EnableStep : DrillStep
{
    public EnableChaosRequest? Body { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (Body is null)
        {
            validation.Add($"{path}.Body", "Required: the /chaos/enable body, e.g. {\"Service\":\"ledger\",\"Mode\":\"latency\",\"DelayMs\":500}.");
            return;
        }

        ChaosRequestValidator.Validate(Body, validation.Limits, validation.Targets, validation.Errors, $"{path}.Body.");
    }
}
