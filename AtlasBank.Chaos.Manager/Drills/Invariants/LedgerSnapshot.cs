namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>One account as the snapshot saw it, with the sum and count of its entries.</summary>
internal sealed record LedgerAccountRow(Guid Id, bool AllowOverdraft, decimal Balance, decimal EntriesSum, long Entries);

/// <summary>One transfer row as the snapshot saw it.</summary>
internal sealed record LedgerTransferRow(Guid Id, string? IdempotencyKey, Guid From, Guid To, decimal Amount);

/// <summary>
/// What one check read from the ledger database, in one REPEATABLE READ READ ONLY transaction: the run's accounts
/// (and its funding account), the transfers its requests name (by id or Idempotency-Key), and, when the total did
/// not hold, the transfers that crossed into or out of the run's accounts.
/// </summary>
internal sealed record LedgerSnapshot(
    IReadOnlyDictionary<Guid, LedgerAccountRow> Accounts,
    IReadOnlyList<LedgerTransferRow> Transfers,
    IReadOnlyList<LedgerTransferRow> BoundaryTransfers);
