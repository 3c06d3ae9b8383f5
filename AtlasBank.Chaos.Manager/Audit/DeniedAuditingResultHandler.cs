using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Requests refused for a missing, wrong or under-privileged key are on record too.</summary>
public sealed partial class DeniedAuditingResultHandler(AuditStore audit, ILogger<DeniedAuditingResultHandler> logger) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged || authorizeResult.Forbidden)
        {
            await AuditContext.CaptureBodyAsync(context);
            var status = authorizeResult.Challenged ? StatusCodes.Status401Unauthorized : StatusCodes.Status403Forbidden;
            try
            {
                await audit.AppendAsync(AuditContext.Record(context, status, authorizeResult.Challenged ? "No valid API key." : "Role not allowed."), CancellationToken.None);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                LogNotAudited(status, ex.Message);
            }
        }

        await _default.HandleAsync(next, context, policy, authorizeResult);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A denied request ({Status}) could not be audited: {Reason}")]
    private partial void LogNotAudited(int status, string reason);
}
