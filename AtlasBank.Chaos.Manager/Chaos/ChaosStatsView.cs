namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>One service's (or the total's) inject statistics as the API shows them.</summary>
public sealed record ChaosStatsView(
    string Service, string? Mode, long Injections, long Successes, long Failures, long Attempts,
    long InjectedFaults, long InjectedLatency, long InjectedLatencyMs, double SuccessRate)
{
    public static ChaosStatsView From(ChaosStats stats) => new(
        stats.Service, stats.Mode, stats.Injections, stats.Successes, stats.Failures, stats.Attempts,
        stats.InjectedFaults, stats.InjectedLatency, stats.InjectedLatencyMs, Math.Round(stats.SuccessRate, 4));
}
