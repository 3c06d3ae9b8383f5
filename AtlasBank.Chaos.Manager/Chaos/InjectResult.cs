using System.Text.Json.Serialization;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What one <c>GET /chaos/inject</c> did and saw.</summary>
public sealed record InjectResult(
    string Service,
    ChaosMode Mode,
    string ExperimentId,
    string TargetUrl,
    int Attempts,
    int InjectedFaults,
    int InjectedLatencyCount,
    double InjectedLatencyMs,
    int? FinalStatus,
    double ElapsedMs,
    bool Success,
    string? Error)
{
    /// <summary>Attempts that failed without chaos injecting the failure: what the auto-disable circuit breaker watches.</summary>
    [JsonIgnore]
    public int OrganicFailures => Math.Max(0, Attempts - InjectedFaults - (Success ? 1 : 0));
}
