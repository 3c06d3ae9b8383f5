using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AtlasBank.LedgerDr.Infrastructure;

/// <summary>A database that cannot be reached is a 503 the caller may retry, not a 500.</summary>
internal sealed partial class DatabaseUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<DatabaseUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (NpgsqlException { IsTransient: true } or TimeoutException))
        {
            return false;
        }

        LogUnavailable(exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The ledger database is unavailable.",
                Detail = "Nothing was changed. Retry later; writes with an Idempotency-Key are safe to retry.",
            },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger database unavailable.")]
    private partial void LogUnavailable(Exception exception);
}
