namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>When a hypothesis check ran, and what a check and a step came to.</summary>
public static class DrillCheckPhases
{
    public const string Before = "before";
    public const string During = "during";
    public const string After = "after";

    public const string Held = "held";
    public const string Violated = "violated";
    public const string Skipped = "skipped";
}
