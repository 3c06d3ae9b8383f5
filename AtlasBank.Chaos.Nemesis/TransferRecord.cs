namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// One transfer the workload asked for and what came of it: the request (its Idempotency-Key, accounts, amount, when
/// it was invoked), and once it completed its type, the transfer id, and the write record the ledger answered with
/// (the region that let it through and the routing epoch it was admitted under, from <c>X-Dr-Region</c> and
/// <c>X-Dr-Epoch</c>; <see cref="Replayed"/>: a 200 replay of a key already posted, not a new write).
/// </summary>
public sealed record TransferRecord(
    string IdempotencyKey, Guid From, Guid To, decimal Amount, TimeSpan InvokedAt,
    OperationType Type, TimeSpan CompletedAt, Guid? TransferId, string? Region, long? Epoch, bool Replayed, string? Detail);
