using Microsoft.Extensions.Options;

namespace AtlasBank.LedgerDr.Ledger;

/// <summary>Refuses every write on the DR ledger: its data comes from the primary until DR is promoted.</summary>
internal sealed class DrReadOnlyFilter(IOptions<LedgerOptions> options) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!options.Value.IsDr)
        {
            return await next(context);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: "The DR ledger is read-only.",
            detail: "This ledger is the disaster-recovery copy, kept in sync by replication from the primary. " +
                    "Send writes to the primary ledger; the DR copy accepts writes only after it is promoted.",
            type: "https://atlasbank.dev/problems/dr-read-only");
    }
}
