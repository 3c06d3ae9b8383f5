using AtlasBank.Chaos.ServiceDefaults.Errors;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>Chaos state lives in Redis: without it the manager answers 503 and changes nothing.</summary>
internal sealed class RedisUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<RedisUnavailableExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "Chaos state is unavailable.";

    protected override string Detail => "Redis, which holds chaos state, cannot be reached or refused the command. No chaos is injected meanwhile; retry later.";

    // Every Redis failure, not only connection and timeout: a server that answers NOPERM, READONLY (a replica
    // after failover) or OOM is just as unusable for now, and still no fault of the caller's.
    // RedisTimeoutException derives from TimeoutException, not RedisException, so it is named too.
    internal static bool IsRedisFailure(Exception exception) => exception is RedisException or RedisTimeoutException;

    protected override bool IsUnavailable(Exception exception) => IsRedisFailure(exception);
}
