using AtlasBank.Chaos.ServiceDefaults.Errors;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>Chaos state lives in Redis: without it the manager answers 503 and changes nothing.</summary>
internal sealed class RedisUnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<RedisUnavailableExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "Chaos state is unavailable.";

    protected override string Detail => "Redis, which holds chaos state, cannot be reached. No chaos is injected meanwhile; retry later.";

    protected override bool IsUnavailable(Exception exception) => exception is RedisConnectionException or RedisTimeoutException;
}
