namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>
/// The money invariants over the accounts the drill's workload made: their total never changes, no non-overdraft
/// balance is negative, entries equal balances, every acknowledged transfer exists once. No tolerance: one
/// violation fails the check. Needs a workload step in the method.
/// </summary>
public sealed class InvariantsProbe : DrillProbe
{
    public override void Validate(DrillValidation validation, string path)
    {
        if (!validation.RunsWorkload)
        {
            validation.Add($"{path}.Kind", "An invariants probe checks the workload's accounts: it needs a workload step in the method.");
        }
    }
}
