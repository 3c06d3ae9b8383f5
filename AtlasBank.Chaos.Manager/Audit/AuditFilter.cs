using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Audits every chaos operation. A change holds the audit chain open while it is applied and commits its row
/// after: if the audit cannot begin, the change is refused with 503 and nothing is applied. Reads are
/// audited after the fact and keep working when the audit is down.
/// </summary>
public sealed partial class AuditFilter(AuditStore audit, ILogger<AuditFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        await AuditContext.CaptureBodyAsync(http);
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedChangeAttribute>() is null)
        {
            object? result;
            try
            {
                result = await next(context);
            }
            catch (Exception ex)
            {
                await AppendBestEffortAsync(http, StatusCodes.Status503ServiceUnavailable, ex.GetType().Name);
                throw;
            }

            await AppendBestEffortAsync(http, StatusOf(result, http), null);
            return result;
        }

        AuditScope scope;
        try
        {
            scope = await audit.BeginAsync(http.RequestAborted);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LogCannotAudit(ex.Message);
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
                await scope.AppendAsync(AuditContext.Record(http, StatusCodes.Status503ServiceUnavailable, ex.GetType().Name), CancellationToken.None);
                await scope.CommitAsync(CancellationToken.None);
                throw;
            }

            await scope.AppendAsync(AuditContext.Record(http, StatusOf(result, http)), CancellationToken.None);
            await scope.CommitAsync(CancellationToken.None);
            return result;
        }
    }

    private async Task AppendBestEffortAsync(HttpContext http, int status, string? detail)
    {
        try
        {
            await audit.AppendAsync(AuditContext.Record(http, status, detail), CancellationToken.None);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            LogReadNotAudited(ex.Message);
        }
    }

    private static int StatusOf(object? result, HttpContext http) =>
        result is IStatusCodeHttpResult { StatusCode: { } status } ? status : http.Response.StatusCode;

    [LoggerMessage(Level = LogLevel.Error, Message = "Change refused: the audit log cannot be written ({Reason}).")]
    private partial void LogCannotAudit(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A read was served but not audited: {Reason}")]
    private partial void LogReadNotAudited(string reason);
}
