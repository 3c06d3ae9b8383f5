using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>Chaos state lives in Redis: without it the manager answers 503, never 500, and changes nothing.</summary>
internal sealed partial class RedisUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<RedisUnavailableExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (RedisConnectionException or RedisTimeoutException))
        {
            return false;
        }

        LogUnavailable(exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = "5";
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Chaos state is unavailable.",
                Detail = "Redis, which holds chaos state, cannot be reached. No chaos is injected meanwhile; retry later.",
            },
            Exception = exception,
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable: {Reason}")]
    private partial void LogUnavailable(string reason);
}
