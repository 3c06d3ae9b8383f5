namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>Statistics of inject calls, for one service or in total. Kept in Redis so replicas agree.</summary>
public sealed record ChaosStats(
    string Service,
    string? Mode,
    long Injections,
    long Successes,
    long Failures,
    long Attempts,
    long InjectedFaults,
    long InjectedLatency,
    long InjectedLatencyMs)
{
    public const string TotalName = "_total";

    /// <summary>Successful injections over all injections; 1 when there were none.</summary>
    public double SuccessRate => Injections == 0 ? 1.0 : (double)Successes / Injections;
}
