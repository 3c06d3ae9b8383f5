namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// The emergency stop as a step: every experiment of every service off, not only the drill's. A drill's own
/// disable-all does not abort it (an operator's does).
/// </summary>
public sealed class DisableAllStep : DrillStep
{
    public override void Validate(DrillValidation validation, string path)
    {
    }
}
