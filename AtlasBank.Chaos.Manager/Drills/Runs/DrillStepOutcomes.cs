namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>Where a recorded step ran (<c>Phase</c>) and what it came to (<c>Outcome</c>).</summary>
public static class DrillStepOutcomes
{
    public const string MethodPhase = "method";
    public const string RollbackPhase = "rollback";

    public const string Done = "done";
    public const string Failed = "failed";

    /// <summary>Cut short when the run stopped (an abort, an abort condition, the deadline).</summary>
    public const string Stopped = "stopped";

    /// <summary>Never started: the run had stopped before it.</summary>
    public const string Skipped = "skipped";
}
