using System.Security.Claims;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Infrastructure;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Safety;

public sealed record DisableAllResult(IReadOnlyList<string> Disabled);

public sealed record HaltStatus(bool Engaged, string? EngagedBy, DateTimeOffset? EngagedAt, string? Reason, IReadOnlyList<string>? Disabled = null);

public sealed class HaltRequest
{
    public string? Reason { get; set; }
}

/// <summary>The kill switch, the halt and the audit trail.</summary>
public static class SafetyApi
{
    public const int MaxReasonLength = 500;
    public const int MaxPageSize = 500;

    public static RouteGroupBuilder MapSafetyApi(this RouteGroupBuilder api)
    {
        api.MapPost("/disable-all", DisableAll)
            .RequireAuthorization(ChaosPolicies.Operate).RequireRateLimiting(RateLimitOptions.ChangePolicy).WithMetadata(new AuditedChangeAttribute())
            .WithName("DisableAllChaos").WithSummary("Emergency stop: every experiment off, everywhere.");
        api.MapGet("/halt", GetHalt)
            .RequireAuthorization(ChaosPolicies.View)
            .WithName("GetHalt").WithSummary("Whether the halt is engaged.");
        api.MapPost("/halt", EngageHalt)
            .RequireAuthorization(ChaosPolicies.Operate).RequireRateLimiting(RateLimitOptions.ChangePolicy).WithMetadata(new AuditedChangeAttribute())
            .WithName("EngageHalt").WithSummary("Engage the halt: disables everything and refuses every enable (409) until an admin lifts it.");
        api.MapDelete("/halt", LiftHalt)
            .RequireAuthorization(ChaosPolicies.Administer).RequireRateLimiting(RateLimitOptions.ChangePolicy).WithMetadata(new AuditedChangeAttribute())
            .WithName("LiftHalt").WithSummary("Lift the halt (admin).");
        api.MapGet("/audit", GetAudit)
            .RequireAuthorization(ChaosPolicies.View)
            .WithName("GetAudit").WithSummary("The audit trail, newest first; viewers and operators see their own key's rows, admins all.");
        api.MapGet("/audit/verify", VerifyAudit)
            .RequireAuthorization(ChaosPolicies.Administer)
            .WithName("VerifyAudit").WithSummary("Walk the hash chain and report the first broken link.");
        return api;
    }

    public static async Task<Ok<DisableAllResult>> DisableAll(ChaosStore store) =>
        TypedResults.Ok(new DisableAllResult(await store.DisableAllAsync()));

    public static async Task<Ok<HaltStatus>> GetHalt(ChaosStore store) =>
        TypedResults.Ok(await store.GetHaltAsync() is { } halt
            ? new HaltStatus(true, halt.EngagedBy, halt.EngagedAt, halt.Reason)
            : new HaltStatus(false, null, null, null));

    public static async Task<Results<Ok<HaltStatus>, ValidationProblem, ProblemHttpResult>> EngageHalt(
        HttpRequest request, ChaosStore store, TimeProvider timeProvider, ClaimsPrincipal user)
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
        var disabled = await store.EngageHaltAsync(halt);
        return TypedResults.Ok(new HaltStatus(true, halt.EngagedBy, halt.EngagedAt, halt.Reason, disabled));
    }

    public static async Task<Results<Ok<HaltStatus>, ProblemHttpResult>> LiftHalt(ChaosStore store) =>
        await store.LiftHaltAsync()
            ? TypedResults.Ok(new HaltStatus(false, null, null, null))
            : TypedResults.Problem(new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "The halt is not engaged." });

    public static async Task<Results<Ok<AuditPage>, ValidationProblem>> GetAudit(
        AuditStore audit, ClaimsPrincipal user, CancellationToken cancellationToken,
        string? service = null, string? keyId = null, DateTimeOffset? from = null, DateTimeOffset? to = null, string? outcome = null,
        int page = 1, int pageSize = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (page < 1)
        {
            errors["page"] = ["From 1."];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"From 1 to {MaxPageSize}."];
        }

        if (outcome is not null && outcome is not (AuditOutcomes.Allowed or AuditOutcomes.Denied or AuditOutcomes.Rejected or AuditOutcomes.Failed))
        {
            errors["outcome"] = ["One of: allowed, denied, rejected, failed."];
        }

        if (from > to)
        {
            errors["from"] = ["Must not be after 'to'."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Only an admin reads the whole audit; other roles read what their own key did.
        if (!user.IsInRole(ChaosRoles.Admin))
        {
            keyId = user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value;
        }

        return TypedResults.Ok(await audit.QueryAsync(
            new AuditQuery(service, keyId, from?.ToUniversalTime(), to?.ToUniversalTime(), outcome, page, pageSize), cancellationToken));
    }

    public static async Task<Ok<AuditVerification>> VerifyAudit(AuditStore audit, CancellationToken cancellationToken) =>
        TypedResults.Ok(await audit.VerifyAsync(cancellationToken));
}
