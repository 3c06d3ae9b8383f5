namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>A run's <c>State</c>: <c>pending → running → passed | failed | aborted</c>.</summary>
public static class DrillRunStates
{
    public const string Pending = "pending";
    public const string Running = "running";
    public const string Passed = "passed";
    public const string Failed = "failed";

    /// <summary>Stopped from outside: an operator's abort, the halt, an operator's disable-all, or its owner's death.</summary>
    public const string Aborted = "aborted";

    public static readonly string[] Active = [Pending, Running];

    public static readonly string[] Verdicts = [Passed, Failed, Aborted];

    public static bool IsActive(string state) => Active.Contains(state, StringComparer.Ordinal);
}
