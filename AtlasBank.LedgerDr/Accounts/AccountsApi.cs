using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.LedgerDr.Accounts;

public sealed record CreateAccountRequest(string? Name, string? Currency, bool? AllowOverdraft);

public static partial class AccountsApi
{
    public const int MaxNameLength = 200;
    public const int DefaultEntriesLimit = 100;
    public const int MaxEntriesLimit = 1000;

    public static IEndpointRouteBuilder MapAccountsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/accounts").WithTags("Accounts");

        api.MapPost("/", CreateAccount)
            .AddEndpointFilter<ActiveRegionWriteFilter>()
            .WithName("CreateAccount")
            .WithSummary("Open an account; accounts that allow overdraft can fund others.");
        api.MapGet("/{id:guid}", GetAccount)
            .WithName("GetAccount")
            .WithSummary("An account with its current balance.");
        api.MapGet("/{id:guid}/entries", GetEntries)
            .WithName("GetAccountEntries")
            .WithSummary("The account's entries, oldest first.");

        return app;
    }

    public static async Task<Results<Created<Account>, ValidationProblem>> CreateAccount(
        CreateAccountRequest request, LedgerStore store, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (request.Name is not { } name || !ValidationErrors.IsPrintable(name) || name.Length > MaxNameLength)
        {
            errors.Add("name", $"Required: 1 to {MaxNameLength} printable characters.");
        }

        if (request.Currency is not { } currency || !CurrencyCode().IsMatch(currency))
        {
            errors.Add("currency", "Required: a three-letter ISO 4217 code in capitals, such as EUR.");
        }

        if (errors.Any)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var account = await store.CreateAccountAsync(request.Name!, request.Currency!, request.AllowOverdraft ?? false, cancellationToken);
        return TypedResults.Created($"/accounts/{account.Id}", account);
    }

    public static async Task<Results<Ok<Account>, ProblemHttpResult>> GetAccount(
        Guid id, LedgerStore store, CancellationToken cancellationToken) =>
        await store.GetAccountAsync(id, cancellationToken) is { } account
            ? TypedResults.Ok(account)
            : TypedResults.Problem(AccountNotFound(id));

    public static async Task<Results<Ok<IReadOnlyList<Entry>>, ProblemHttpResult, ValidationProblem>> GetEntries(
        Guid id, LedgerStore store, CancellationToken cancellationToken, int limit = DefaultEntriesLimit)
    {
        if (limit is < 1 or > MaxEntriesLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"Must be between 1 and {MaxEntriesLimit}."],
            });
        }

        return await store.GetEntriesAsync(id, limit, cancellationToken) is { } entries
            ? TypedResults.Ok(entries)
            : TypedResults.Problem(AccountNotFound(id));
    }

    internal static ProblemDetails AccountNotFound(Guid id) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "Account not found.",
        Detail = $"No account has id {id}.",
    };

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyCode();
}
