namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>What re-applying one stranded transfer to the active region came to (<see cref="ReconcileOutcomes"/>).</summary>
/// <param name="TransferId">The stranded transfer's id in the region that lost it.</param>
/// <param name="NewTransferId">The transfer's id in the active region, once posted (or found posted).</param>
/// <param name="Reason">Why it needs a person: the ledger's answer.</param>
public sealed record ReconciledTransfer(
    Guid TransferId, string? IdempotencyKey, decimal Amount, string Outcome, Guid? NewTransferId, string? Reason, DateTimeOffset At);

public static class ReconcileOutcomes
{
    /// <summary>Posted now, under its Idempotency-Key.</summary>
    public const string Posted = "posted";

    /// <summary>The active region had it already (the ledger replayed the key): nothing posted twice.</summary>
    public const string AlreadyPresent = "already-present";

    /// <summary>The account state no longer allows it (e.g. insufficient funds), or it has no key: a person decides.</summary>
    public const string ManualReview = "manual-review";

    /// <summary>The active region did not answer: nothing is known to be posted; reconciling again is safe.</summary>
    public const string Failed = "failed";
}
