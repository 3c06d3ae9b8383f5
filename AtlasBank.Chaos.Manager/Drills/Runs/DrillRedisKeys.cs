namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// The Redis keys that stop runs, read by every run's owner each second: stopping a drill depends on Redis alone,
/// as stopping chaos does (the control plane's database may be the thing that is down).
/// </summary>
public static class DrillRedisKeys
{
    /// <summary>An abort of one run (JSON <see cref="DrillStopSignal"/>), for whichever replica owns it.</summary>
    public static string Abort(string runId) => $"chaos:drills:abort:{runId}";

    /// <summary>An operator's disable-all (JSON <see cref="DrillStopSignal"/>): every run started before it aborts.</summary>
    public const string StopAll = "chaos:drills:stop-all";

    /// <summary>How long a signal outlives the runs it stops (no run lasts longer than a few hours).</summary>
    public static readonly TimeSpan SignalRetention = TimeSpan.FromHours(25);
}
