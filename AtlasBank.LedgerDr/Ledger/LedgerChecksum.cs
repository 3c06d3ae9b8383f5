namespace AtlasBank.LedgerDr.Ledger;

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
