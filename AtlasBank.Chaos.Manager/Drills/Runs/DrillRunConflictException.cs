namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>The target already has an active run (the database's one-active-run-per-target rule).</summary>
public sealed class DrillRunConflictException(string target, DrillRunSummary? running)
    : Exception($"Target '{target}' already has an active drill run{(running is null ? string.Empty : $" ({running.RunId})")}.")
{
    public string Target { get; } = target;

    /// <summary>The active run, when it could be read (it may have ended in between).</summary>
    public DrillRunSummary? Running { get; } = running;
}
