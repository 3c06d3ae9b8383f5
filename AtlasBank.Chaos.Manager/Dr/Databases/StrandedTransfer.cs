namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// A transfer the old active region committed that the new one lacks: everything needed to post it again under
/// its Idempotency-Key. <paramref name="Acknowledged"/>: its caller may have been told it was posted (asynchronous
/// mode); in synchronous mode no transfer DR lacks was acknowledged.
/// </summary>
public sealed record StrandedTransfer(
    Guid Id,
    string? IdempotencyKey,
    Guid FromAccountId,
    Guid ToAccountId,
    decimal Amount,
    string Currency,
    string? Reference,
    DateTimeOffset CreatedAt,
    bool Acknowledged = true);
