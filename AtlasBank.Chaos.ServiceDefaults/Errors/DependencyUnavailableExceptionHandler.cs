using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.ServiceDefaults.Errors;

/// <summary>
/// A dependency that cannot be reached (a database, Redis) is a 503 with <c>Retry-After</c> the caller may
/// retry — never a 500. Each service names which exceptions mean "unavailable" and what to tell the caller.
/// </summary>
public abstract partial class DependencyUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    protected abstract string Title { get; }

    protected abstract string Detail { get; }

    protected abstract bool IsUnavailable(Exception exception);

    /// <summary>Called before the 503 is written, e.g. to drop pooled connections a restarted server broke.</summary>
    protected virtual void OnUnavailable(Exception exception)
    {
    }

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(Title, exception.Message);
        OnUnavailable(exception);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = Title,
                Detail = Detail,
            },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Title} {Reason}")]
    private partial void LogUnavailable(string title, string reason);
}
