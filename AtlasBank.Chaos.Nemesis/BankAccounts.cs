namespace AtlasBank.Chaos.Nemesis;

/// <summary>The accounts one schedule's workload moves money between, the funding account, and what funded them.</summary>
public sealed record BankAccounts(string RunId, IReadOnlyList<Guid> AccountIds, Guid FundingAccountId, decimal FundedTotal, IReadOnlyList<string> FundingKeys);
