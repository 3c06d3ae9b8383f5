namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>What a run's workload is prepared for: its first rate and clients, and how many accounts it transfers among.</summary>
public sealed record WorkloadPlan(int RatePerSecond, int Clients, int Accounts);
