namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>What one <c>POST /transfers</c> came to: its outcome, the transfer id when acknowledged, and why otherwise.</summary>
internal sealed record LedgerTransferResult(string Outcome, Guid? TransferId, string? Detail);
