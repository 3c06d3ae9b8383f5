namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>The whole workload of a run: its accounts, what it sent, and how it went.</summary>
/// <param name="AccountIds">The accounts the run created and funded (the funding account is not one of them).</param>
/// <param name="FundedTotal">What the run put into its accounts: the conserved total.</param>
/// <param name="ThroughputPerSecond">Acknowledged transfers a second over the time the workload ran.</param>
public sealed record WorkloadSummary(
    IReadOnlyList<Guid> AccountIds, Guid FundingAccountId, decimal FundedTotal,
    int Clients, int RatePerSecond, long Requests, long Acknowledged, long Rejected, long Unknown,
    double ThroughputPerSecond, double? P50Ms, double? P99Ms);
