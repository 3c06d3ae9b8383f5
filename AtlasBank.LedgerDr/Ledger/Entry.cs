namespace AtlasBank.LedgerDr.Ledger;

/// <summary>One side of a transfer: negative amounts debit the account, positive ones credit it.</summary>
public sealed record Entry(Guid Id, Guid TransferId, Guid AccountId, decimal Amount, decimal BalanceAfter, DateTimeOffset CreatedAt);
