namespace AtlasBank.LedgerDr.Ledger;

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
