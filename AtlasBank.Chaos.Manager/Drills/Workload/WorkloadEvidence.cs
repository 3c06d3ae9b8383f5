namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// What the invariants check a run's ledger against, read from its workload at one moment: the accounts it made,
/// what it funded them with (and under which keys), and the acknowledged and unknown requests no earlier check
/// confirmed, with what the earlier checks settled.
/// </summary>
/// <param name="AccountIds">The run's accounts, not the funding account: their total is conserved.</param>
/// <param name="FundingKeys">The Idempotency-Keys of the transfers that funded the accounts: the only money that may cross into them.</param>
public sealed record WorkloadEvidence(
    IReadOnlyList<Guid> AccountIds, Guid FundingAccountId, decimal FundedTotal, IReadOnlyList<string> FundingKeys,
    IReadOnlyList<WorkloadRequest> Requests, EarlierChecks? Earlier = null)
{
    public EarlierChecks Settled => Earlier ?? EarlierChecks.None;
}
