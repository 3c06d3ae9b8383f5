using AtlasBank.Chaos.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Audits every chaos operation through the <see cref="AuditTrail"/>. An operation that can start chaos
/// (<see cref="StartsChaosAttribute"/>) is refused with 503 and <c>Retry-After</c> before anything changes when
/// its row could not be written (fail closed); everything else — stopping chaos first — is applied, answered and
/// spooled, whatever the audit database is doing (fail open).
/// </summary>
public sealed partial class AuditFilter(AuditTrail audit, ILogger<AuditFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        await AuditRecordFactory.CaptureBodyAsync(http);
        var startsChaos = http.GetEndpoint()?.Metadata.GetMetadata<StartsChaosAttribute>() is not null;
        if (startsChaos)
        {
            try
            {
                await audit.EnsureWritableAsync(http.RequestAborted);
            }
            catch (Exception ex) when (AuditTrail.IsUnavailable(ex))
            {
                LogCannotAudit(ex.Message);
                await audit.RecordAsync(AuditRecordFactory.Record(http, StatusCodes.Status503ServiceUnavailable, "The audit database is unavailable."));
                http.Response.Headers.RetryAfter = DependencyUnavailableExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                return TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status503ServiceUnavailable,
                    Title = "The audit log is unavailable.",
                    Detail = "Chaos that cannot be audited is not started. Nothing was changed; retry later. Stopping chaos keeps working.",
                });
            }
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex)
        {
            // The operation failed (e.g. Redis away): that attempt is on record too.
            await RecordAsync(startsChaos, AuditRecordFactory.Record(http, StatusCodes.Status503ServiceUnavailable, ex.GetType().Name));
            throw;
        }

        await RecordAsync(startsChaos, AuditRecordFactory.Record(http, StatusOf(result, http)));
        return result;
    }

    private Task RecordAsync(bool startsChaos, AuditRecord record) =>
        startsChaos ? audit.RecordStartAsync(record) : audit.RecordAsync(record);

    /// <summary>The status the caller gets: a <c>Results&lt;…&gt;</c> union wraps the result that carries it.</summary>
    private static int StatusOf(object? result, HttpContext http) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result, http),
        IStatusCodeHttpResult { StatusCode: { } status } => status,
        _ => http.Response.StatusCode,
    };

    [LoggerMessage(Level = LogLevel.Error, Message = "Start of chaos refused: the audit log cannot be written ({Reason}).")]
    private partial void LogCannotAudit(string reason);
}
