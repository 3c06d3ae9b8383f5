namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// Bring the writer home (<c>POST /dr/failback</c>): reconcile, rebuild region A, verify checksums, resubscribe DR.
/// A run that failed over and did not fail back does so in its rollback, so it always ends as it began.
/// </summary>
public sealed class FailbackStep : DrillStep
{
    public override void Validate(DrillValidation validation, string path)
    {
    }
}
