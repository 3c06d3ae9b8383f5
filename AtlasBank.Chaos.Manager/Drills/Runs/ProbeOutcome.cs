namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>A probe's verdict for one check (<see cref="DrillCheckPhases"/>) and the measured value behind it.</summary>
public sealed record ProbeOutcome(string Outcome, string Detail)
{
    public static ProbeOutcome Held(string detail) => new(DrillCheckPhases.Held, detail);

    public static ProbeOutcome Violated(string detail) => new(DrillCheckPhases.Violated, detail);

    public static ProbeOutcome Skipped(string detail) => new(DrillCheckPhases.Skipped, detail);
}
