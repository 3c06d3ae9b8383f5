namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The workload's requests that finished in a recent window: how many, their error rate (rejected and unknown over
/// all, 0.0–1.0) and p99 latency in ms; both null when none finished.
/// </summary>
public sealed record WorkloadWindow(int Requests, double? ErrorRate, double? P99Ms);
