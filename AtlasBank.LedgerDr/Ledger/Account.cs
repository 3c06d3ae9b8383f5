namespace AtlasBank.LedgerDr.Ledger;

public sealed record Account(Guid Id, string Name, string Currency, bool AllowOverdraft, decimal Balance, DateTimeOffset CreatedAt);
