using AtlasBank.Chaos.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Audits every chaos operation. A change holds the audit chain open while it is applied and commits its row
/// after: if the audit cannot begin, the change is refused with 503 and nothing is applied. Reads are
/// audited after the fact and keep working when the audit is down.
/// </summary>
public sealed partial class AuditFilter(AuditTrail audit, ILogger<AuditFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        await AuditRecordFactory.CaptureBodyAsync(http);
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedChangeAttribute>() is null)
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (Exception ex)
            {
                await audit.RecordAsync(AuditRecordFactory.Record(http, StatusCodes.Status503ServiceUnavailable, ex.GetType().Name));
                throw;
            }

            await audit.RecordAsync(AuditRecordFactory.Record(http, StatusOf(result, http)));
            return result;
        }

        AuditScope scope;
        try
        {
            scope = await audit.BeginChangeAsync(http.RequestAborted);
        }
        catch (Exception ex) when (AuditTrail.IsUnavailable(ex))
        {
            LogCannotAudit(ex.Message);
            http.Response.Headers.RetryAfter = DependencyUnavailableExceptionHandler.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The audit log is unavailable.",
                Detail = "A change that cannot be audited is not applied. Nothing was changed; retry later.",
            });
        }

        await using (scope)
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (Exception ex)
            {
                // The change failed (e.g. Redis away): that attempt is on record too.
                await scope.AppendAsync(AuditRecordFactory.Record(http, StatusCodes.Status503ServiceUnavailable, ex.GetType().Name), CancellationToken.None);
                await scope.CommitAsync(CancellationToken.None);
                throw;
            }

            await scope.AppendAsync(AuditRecordFactory.Record(http, StatusOf(result, http)), CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
            return result;
        }
    }

    private static int StatusOf(object? result, HttpContext http) =>
        result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;

    [LoggerMessage(Level = LogLevel.Error, Message = "Change refused: the audit log cannot be written ({Reason}).")]
    private partial void LogCannotAudit(string reason);
}
