using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Latency;

/// <summary>What a latency experiment does: every call to the target waits <see cref="Delay"/>, then goes through.</summary>
public sealed record LatencyChaosSettings(TimeSpan Delay)
{
    /// <summary>The settings of a <see cref="ChaosMode.Latency"/> experiment, from its <c>DelayMs</c>; null for other modes.</summary>
    public static LatencyChaosSettings? From(ChaosExperiment experiment) =>
        experiment is { Mode: ChaosMode.Latency, DelayMs: > 0 } ? new(TimeSpan.FromMilliseconds(experiment.DelayMs)) : null;
}
