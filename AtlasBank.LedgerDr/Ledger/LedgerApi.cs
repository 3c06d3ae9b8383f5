using Microsoft.AspNetCore.Http.HttpResults;

namespace AtlasBank.LedgerDr.Ledger;

public static class LedgerApi
{
    public static IEndpointRouteBuilder MapLedgerApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/ledger").WithTags("Ledger")
            .MapGet("/checksum", GetChecksum)
            .WithName("GetLedgerChecksum")
            .WithSummary("Counts, total balance and a checksum of the whole ledger from one consistent snapshot.");
        return app;
    }

    public static async Task<Ok<LedgerChecksum>> GetChecksum(LedgerStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok(await store.GetChecksumAsync(cancellationToken));
}
