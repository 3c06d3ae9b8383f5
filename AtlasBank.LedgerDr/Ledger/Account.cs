namespace AtlasBank.LedgerDr.Ledger;

public sealed record Account(Guid Id, string Name, string Currency, bool AllowOverdraft, decimal Balance, DateTimeOffset CreatedAt);

/// <summary>One side of a transfer: negative amounts debit the account, positive ones credit it.</summary>
public sealed record Entry(Guid Id, Guid TransferId, Guid AccountId, decimal Amount, decimal BalanceAfter, DateTimeOffset CreatedAt);

public sealed record Transfer(
    Guid Id,
    Guid FromAccountId,
    Guid ToAccountId,
    decimal Amount,
    string Currency,
    string? Reference,
    string? IdempotencyKey,
    DateTimeOffset CreatedAt,
    IReadOnlyList<Entry> Entries);

/// <summary>A consistent snapshot of the whole ledger, for comparing primary with DR.</summary>
/// <param name="TotalBalance">Sum of all balances; double entry keeps it at zero.</param>
/// <param name="BalancesMatchEntries">Every account's balance equals the sum of its entries.</param>
/// <param name="Checksum">MD5 over every account balance and every entry, ordered by id.</param>
public sealed record LedgerChecksum(
    long Accounts,
    long Transfers,
    long Entries,
    decimal TotalBalance,
    bool BalancesMatchEntries,
    string Checksum);
