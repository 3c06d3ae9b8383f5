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
            .WithName("VerifyAudit").WithSummary("Check the keyed chain against its MACs and its anchors; report what is broken and where.")
            .WithDescription("Walks the audit trail in id order, checks each row's HMAC-SHA256 (rows written before the key: their SHA-256) and link, and compares the table with the chain-head anchors kept in Redis. Valid is false for a rewritten row (FirstRewrittenId), a missing id inside the chain (FirstMissingId), a cut tail (TailTruncatedFromId) or a forged anchor (ForgedAnchors); SpoolRejections counts spool entries set aside unchained (Unauthenticated: written without the audit key). BrokenAtId is the first offending row and Reason says what was found. Needs an admin key.");
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

    public static async Task<Ok<AuditVerification>> VerifyAudit(
        AuditStore audit, IAuditAnchorLog anchors, AuditSpoolRejections rejections, CancellationToken cancellationToken)
    {
        // Anchors first: each names a row committed before it was written, so the table read next holds all they name.
        var known = await anchors.ReadAsync();
        var verification = await audit.VerifyAsync(known, cancellationToken);
        return TypedResults.Ok(verification with { SpoolRejections = await rejections.ReadAsync() });
    }
}
