using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>Turns a validated enable body into the experiment stored in Redis: the API's and a drill step's alike.</summary>
public static class ChaosExperiments
{
    public static ChaosExperiment From(EnableChaosRequest request, DateTimeOffset now, int leaseSeconds) => new(
        Service: ChaosRequestValidator.NormalizeServiceName(request.Service)!,
        Mode: ChaosRequestValidator.ParseMode(request.Mode)!.Value,
        FailureRate: request.FailureRate ?? 0.0,
        DelayMs: request.DelayMs ?? 0,
        RetryCount: request.RetryCount ?? 0,
        TargetUrl: request.TargetUrl,
        ExperimentId: $"exp-{Guid.CreateVersion7():N}",
        EnabledAt: now,
        ExpiresAt: now.AddSeconds(leaseSeconds));
}
