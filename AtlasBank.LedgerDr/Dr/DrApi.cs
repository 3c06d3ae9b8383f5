using Microsoft.AspNetCore.Http.HttpResults;

namespace AtlasBank.LedgerDr.Dr;

public static class DrApi
{
    public static IEndpointRouteBuilder MapDrApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/dr").WithTags("Disaster recovery")
            .MapGet("/status", GetStatus)
            .WithName("GetDrStatus")
            .WithSummary("Replication state: subscription, positions, lag in bytes and time, last message received, and whether it is healthy (and why not).");
        return app;
    }

    public static async Task<Ok<DrStatus>> GetStatus(ReplicationStatusReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ReadAsync(cancellationToken));
}
