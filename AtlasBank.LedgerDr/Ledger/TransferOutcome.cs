namespace AtlasBank.LedgerDr.Ledger;

public abstract record TransferOutcome
{
    public sealed record Posted(Transfer Transfer) : TransferOutcome;

    /// <summary>The Idempotency-Key was seen before with the same request: the first result, nothing posted.</summary>
    public sealed record Replayed(Transfer Transfer) : TransferOutcome;

    public sealed record AccountNotFound(string Field, Guid AccountId) : TransferOutcome;

    public sealed record CurrencyMismatch(string FromCurrency, string ToCurrency) : TransferOutcome;

    public sealed record InsufficientFunds(decimal Balance) : TransferOutcome;

    /// <summary>The Idempotency-Key was used before for a different request.</summary>
    public sealed record IdempotencyKeyReused : TransferOutcome;
}
