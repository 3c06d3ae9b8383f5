using AtlasBank.Chaos.ServiceDefaults.Dr;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AtlasBank.LedgerDr.Dr;

public static class DrApi
{
    public static IEndpointRouteBuilder MapDrApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/dr").WithTags("Disaster recovery");
        api.MapGet("/status", GetStatus)
            .WithName("GetDrStatus")
            .WithSummary("Replication state: subscription, positions, lag in bytes and time, last message received, and whether it is healthy (and why not).");
        api.MapGet("/role", GetRole)
            .WithName("GetLedgerRole")
            .WithSummary("This ledger's region, the active region and epoch it follows, and whether it takes writes now (what a fence is verified by).");
        return app;
    }

    public static async Task<Ok<DrStatus>> GetStatus(ReplicationStatusReader reader, CancellationToken cancellationToken) =>
        TypedResults.Ok(await reader.ReadAsync(cancellationToken));

    public static Ok<LedgerRoleStatus> GetRole(DrRoutingCache routing, ActiveRegionWriteGate gate, IOptions<LedgerOptions> options)
    {
        // The routing first, the writes in flight after (see ActiveRegionWriteGate.TryEnter).
        var view = routing.View;
        var state = view.State;
        var inFlight = gate.WritesInFlight;
        return TypedResults.Ok(new LedgerRoleStatus(
            gate.Region,
            options.Value.Role == LedgerRole.Dr ? "dr" : "primary",
            state.ActiveRegion,
            state.Epoch,
            state.Switching,
            state.IsWriter(gate.Region),
            view.Known,
            view.Known ? state.ChangedAt : null,
            inFlight));
    }
}
