using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Requests refused for a missing, wrong or under-privileged key are on record too.</summary>
public sealed class DeniedAuditingResultHandler(AuditTrail audit) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            await AuditRecordFactory.CaptureBodyAsync(context);
            var status = authorizeResult.Challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            await audit.RecordAsync(AuditRecordFactory.Record(context, status, authorizeResult.Challenged ? "No valid API key." : "Role not allowed."));
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
