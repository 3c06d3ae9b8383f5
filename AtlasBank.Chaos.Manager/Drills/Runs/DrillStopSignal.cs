using System.Globalization;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>Who stopped a run from outside, when, and why.</summary>
public sealed record DrillStopSignal(string By, DateTimeOffset At, string Reason)
{
    /// <summary>The run's reason for an abort by this signal.</summary>
    public string Describe() => $"Aborted by '{By}' at {At.ToString("u", CultureInfo.InvariantCulture)}: {Reason}";
}
