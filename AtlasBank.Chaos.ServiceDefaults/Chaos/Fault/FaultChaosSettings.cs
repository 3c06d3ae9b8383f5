using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;

/// <summary>
/// What a failure experiment does: each call fails with probability <see cref="FailureRate"/>, after
/// <see cref="DelayBeforeFault"/> when it is set (a slow failure, as a struggling dependency gives).
/// </summary>
public sealed record FaultChaosSettings(double FailureRate, TimeSpan DelayBeforeFault)
{
    /// <summary>The settings of a <see cref="ChaosMode.Failure"/> experiment; null for other modes.</summary>
    public static FaultChaosSettings? From(ChaosExperiment experiment) =>
        experiment.Mode == ChaosMode.Failure ? new(experiment.FailureRate, TimeSpan.FromMilliseconds(experiment.DelayMs)) : null;
}
