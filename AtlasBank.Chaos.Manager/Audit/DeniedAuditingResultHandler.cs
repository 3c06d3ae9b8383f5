using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Requests refused for a missing, wrong or under-privileged key are on record too: a known key's refusal as a
/// row of its own, requests without a valid key in aggregate (<see cref="DenialAggregator"/>).
/// </summary>
public sealed class DeniedAuditingResultHandler(AuditTrail audit, DenialAggregator denials) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged)
        {
            denials.Count(context.Connection.RemoteIpAddress?.ToString(), StatusCodes.Status401Unauthorized);
        }
        else if (authorizeResult.Forbidden)
        {
            await AuditRecordFactory.CaptureBodyAsync(context);
            await audit.RecordAsync(AuditRecordFactory.Record(context, StatusCodes.Status403Forbidden, "Role not allowed."));
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
