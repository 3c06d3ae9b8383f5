using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AtlasBank.LedgerDr.Transfers;

public sealed record TransferRequest(Guid? FromAccountId, Guid? ToAccountId, decimal? Amount, string? Reference);

public static class TransfersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const string IdempotentReplayHeader = "Idempotent-Replayed";
    public const int MaxIdempotencyKeyLength = 200;
    public const int MaxReferenceLength = 500;
    public const decimal MaxAmount = 1_000_000_000_000m;

    public static IEndpointRouteBuilder MapTransfersApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/transfers").WithTags("Transfers");

        api.MapPost("/", PostTransfer)
            .AddEndpointFilter<ActiveRegionWriteFilter>()
            .WithName("PostTransfer")
            .WithSummary("Move money between two accounts: one debit and one credit entry in one transaction.")
            .WithDescription($"Requires an {IdempotencyKeyHeader} header, one per logical transfer: a repeated request returns the first result, so retries are safe.");
        api.MapGet("/{id:guid}", GetTransfer)
            .WithName("GetTransfer")
            .WithSummary("A transfer with its two entries.");

        return app;
    }

    public static async Task<Results<Created<Transfer>, Ok<Transfer>, ValidationProblem, ProblemHttpResult>> PostTransfer(
        TransferRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        LedgerStore store,
        IOptions<LedgerOptions> options,
        HttpResponse response,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request, idempotencyKey);
        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var command = new TransferCommand(request.FromAccountId!.Value, request.ToAccountId!.Value, request.Amount!.Value, request.Reference, idempotencyKey);
        var outcome = await store.TransferAsync(command, cancellationToken);
        if (outcome is TransferOutcome.Posted or TransferOutcome.Replayed
            && !await store.StandbyConfirmedAsync(options.Value.StandbyConfirmTimeout, cancellationToken))
        {
            // Committed here, not yet on DR: acknowledging it would promise what a failover could lose.
            response.Headers.RetryAfter = "1";
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Not acknowledged: DR has not confirmed the transfer yet.",
                Detail = "The ledger replicates synchronously and DR has not confirmed this transfer's commit. Retry with the same Idempotency-Key: it is acknowledged once DR holds it, and posted at most once.",
            });
        }

        switch (outcome)
        {
            case TransferOutcome.Posted posted:
                return TypedResults.Created($"/transfers/{posted.Transfer.Id}", posted.Transfer);
            case TransferOutcome.Replayed replayed:
                response.Headers[IdempotentReplayHeader] = "true";
                return TypedResults.Ok(replayed.Transfer);
            case TransferOutcome.AccountNotFound missing:
                return TypedResults.Problem(AccountsApi.AccountNotFound(missing.AccountId));
            case TransferOutcome.CurrencyMismatch mismatch:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["toAccountId"] = [$"The accounts hold different currencies ({mismatch.FromCurrency} and {mismatch.ToCurrency})."],
                });
            case TransferOutcome.InsufficientFunds insufficient:
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "Insufficient funds.",
                    Detail = $"The debited account holds {insufficient.Balance:0.00} and does not allow overdraft.",
                });
            case TransferOutcome.IdempotencyKeyReused:
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status409Conflict,
                    Title = "Idempotency-Key reused.",
                    Detail = "This Idempotency-Key was already used for a different transfer; use a new key for a new transfer.",
                });
            default:
                throw new InvalidOperationException("Unknown transfer outcome.");
        }
    }

    public static async Task<Results<Ok<Transfer>, ProblemHttpResult>> GetTransfer(
        Guid id, LedgerStore store, CancellationToken cancellationToken) =>
        await store.GetTransferAsync(id, cancellationToken) is { } transfer
            ? TypedResults.Ok(transfer)
            : TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Transfer not found.",
                Detail = $"No transfer has id {id}.",
            });

    internal static ValidationErrors Validate(TransferRequest request, string? idempotencyKey)
    {
        var errors = new ValidationErrors();
        if (request.FromAccountId is null || request.FromAccountId == Guid.Empty)
        {
            errors.Add("fromAccountId", "Required: the id of the account to debit.");
        }

        if (request.ToAccountId is null || request.ToAccountId == Guid.Empty)
        {
            errors.Add("toAccountId", "Required: the id of the account to credit.");
        }
        else if (request.ToAccountId == request.FromAccountId)
        {
            errors.Add("toAccountId", "Must differ from fromAccountId.");
        }

        switch (request.Amount)
        {
            case null:
                errors.Add("amount", "Required: a positive amount with at most two decimal places.");
                break;
            case <= 0m:
                errors.Add("amount", "Must be greater than zero.");
                break;
            case > MaxAmount:
                errors.Add("amount", $"Must not exceed {MaxAmount:0}.");
                break;
            case { } amount when decimal.Round(amount, 2) != amount:
                errors.Add("amount", "At most two decimal places.");
                break;
        }

        if (request.Reference is { } reference && (reference.Length > MaxReferenceLength || reference.Any(char.IsControl)))
        {
            errors.Add("reference", $"At most {MaxReferenceLength} characters, none of them control characters.");
        }

        // Required so that every retry, ours or a client's, is deduplicated rather than posted twice.
        if (idempotencyKey is null
            || idempotencyKey.Length is 0 or > MaxIdempotencyKeyLength
            || idempotencyKey.Any(c => c is < '!' or > '~'))
        {
            errors.Add(IdempotencyKeyHeader, $"Required: 1 to {MaxIdempotencyKeyLength} printable ASCII characters without spaces, one per logical transfer.");
        }

        return errors;
    }
}
