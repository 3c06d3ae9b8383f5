using System.Security.Claims;
using AtlasBank.Chaos.Manager.Security;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Reading and verifying the audit trail.</summary>
public static class AuditApi
{
    public const int MaxPageSize = 500;

    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder chaos)
    {
        chaos.MapViewGroup().MapGet("/audit", GetAudit)
            .WithName("GetAudit").WithSummary("The audit trail, newest first; viewers and operators see their own key's rows, admins all.")
            .WithDescription("Pages through the audit trail, newest first, filtered by service, keyId, time range (from, to) and outcome (allowed, denied, rejected, failed); page from 1, pageSize 1 to 500. Admins see every key's rows; viewers and operators see only their own key's.");
        chaos.MapAdminViewGroup().MapGet("/audit/verify", VerifyAudit)
            .WithName("VerifyAudit").WithSummary("Walk the hash chain and report the first broken link.")
            .WithDescription("Walks the audit trail's hash chain and reports whether it is intact, how many rows were checked and the first row whose hash or link does not verify. Needs an admin key.");
        return chaos;
    }

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
