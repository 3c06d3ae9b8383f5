using System.Security.Claims;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Infrastructure;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>The kill switch and the halt.</summary>
public static class SafetyApi
{
    public const int MaxReasonLength = 500;

    public static IEndpointRouteBuilder MapSafetyApi(this IEndpointRouteBuilder chaos)
    {
        chaos.MapViewGroup().MapGet("/halt", GetHalt)
            .WithName("GetHalt").WithSummary("Whether the halt is engaged.")
            .WithDescription("Reports whether the halt is engaged and, if so, which key engaged it, when and why. Any role may read it.");

        var emergencyStop = chaos.MapEmergencyStopGroup();
        emergencyStop.MapPost("/disable-all", DisableAll)
            .WithName("DisableAllChaos").WithSummary("Emergency stop: every experiment off, everywhere.")
            .WithDescription("Emergency stop: disables every active experiment of every service and returns the services it disabled. Unlike the halt, it does not block later enables. Needs an operator or admin key; never rate limited, audited without waiting on the audit database.");
        emergencyStop.MapPost("/halt", EngageHalt)
            .WithName("EngageHalt").WithSummary("Engage the halt: disables everything and refuses every enable (409) until an admin lifts it.")
            .WithDescription("Engages the halt: disables every experiment and refuses every enable with 409 until an admin lifts it. An optional body {\"Reason\":\"...\"} (at most 500 characters) is recorded with it. Needs an operator or admin key; never rate limited, audited without waiting on the audit database.");

        chaos.MapAdministerGroup().MapDelete("/halt", LiftHalt)
            .WithName("LiftHalt").WithSummary("Lift the halt (admin).")
            .WithDescription("Lifts the halt so chaos can be enabled again; 404 when the halt is not engaged. Needs an admin key; rate limited and audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return chaos;
    }

    /// <summary>Running drills are told to stop first, so none enables anything after the experiments went off.</summary>
    public static async Task<Ok<DisableAllResult>> DisableAll(
        ChaosStore store, DrillRunner drills, ChaosManagerMetrics metrics, TimeProvider timeProvider, ClaimsPrincipal user)
    {
        await drills.StopAllAsync(new DrillStopSignal(user.Identity?.Name ?? "unknown", timeProvider.GetUtcNow(), "an operator disabled all chaos"));
        var disabled = await store.DisableAllAsync();
        metrics.Disabled(disabled);
        metrics.KillSwitchUsed(KillSwitchActions.DisableAll);
        return TypedResults.Ok(new DisableAllResult(disabled));
    }

    public static async Task<Ok<HaltStatus>> GetHalt(ChaosStore store) =>
        TypedResults.Ok(await store.GetHaltAsync() is { } halt
            ? new HaltStatus(true, halt.EngagedBy, halt.EngagedAt, halt.Reason)
            : new HaltStatus(false, null, null, null));

    public static async Task<Results<Ok<HaltStatus>, ValidationProblem, ProblemHttpResult>> EngageHalt(
        HttpRequest request, ChaosStore store, DrillRunner drills, ChaosManagerMetrics metrics, TimeProvider timeProvider, ClaimsPrincipal user)
    {
        var reason = (string?)null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            var body = await JsonBody.ReadAsync<HaltRequest>(request);
            if (!body.IsValid)
            {
                return body.Problem!;
            }

            reason = body.Value!.Reason;
            if (reason is { Length: > MaxReasonLength } || (reason is not null && reason.Any(char.IsControl)))
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["Reason"] = [$"At most {MaxReasonLength} characters, no control characters."] });
            }
        }

        var halt = new ChaosHalt(user.Identity?.Name ?? "unknown", timeProvider.GetUtcNow(), reason);
        // The halt itself stops every run (its owner reads it each second); this replica's stop at once.
        await drills.StopAllAsync(new DrillStopSignal(halt.EngagedBy, halt.EngagedAt, $"the halt was engaged{(reason is null ? string.Empty : $" ({reason})")}"));
        var disabled = await store.EngageHaltAsync(halt);
        metrics.HaltChanged(engaged: true);
        metrics.Disabled(disabled);
        metrics.KillSwitchUsed(KillSwitchActions.Halt);
        return TypedResults.Ok(new HaltStatus(true, halt.EngagedBy, halt.EngagedAt, halt.Reason, disabled));
    }

    public static async Task<Results<Ok<HaltStatus>, ProblemHttpResult>> LiftHalt(ChaosStore store, ChaosManagerMetrics metrics)
    {
        if (!await store.LiftHaltAsync())
        {
            return TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "The halt is not engaged." });
        }

        metrics.HaltChanged(engaged: false);
        return TypedResults.Ok(new HaltStatus(false, null, null, null));
    }
}
