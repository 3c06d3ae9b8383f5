using AtlasBank.Chaos.Manager.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Manager;

public sealed class RedisUnavailableExceptionHandlerTests
{
    public static TheoryData<string> RedisFailures => ["NOPERM", "READONLY", "OOM", "connection", "timeout"];

    [Theory]
    [MemberData(nameof(RedisFailures))]
    public async Task EveryRedisFailureIsA503WithRetryAfter(string failure)
    {
        await using var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new RedisUnavailableExceptionHandler(
            services.GetRequiredService<IProblemDetailsService>(), NullLogger<RedisUnavailableExceptionHandler>.Instance);
        var context = new DefaultHttpContext { RequestServices = services };

        var handled = await handler.TryHandleAsync(context, Failure(failure), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(handled);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, context.Response.StatusCode);
        Assert.False(string.IsNullOrEmpty(context.Response.Headers.RetryAfter));
    }

    [Fact]
    public void AnythingButARedisFailureIsLeftToTheNextHandler()
    {
        Assert.False(RedisUnavailableExceptionHandler.IsRedisFailure(new InvalidOperationException("a bug")));
    }

    private static Exception Failure(string failure) => failure switch
    {
        "connection" => new RedisConnectionException(ConnectionFailureType.UnableToConnect, "No connection is available."),
        "timeout" => new RedisTimeoutException("Timeout performing GET.", CommandStatus.Sent),
        _ => new RedisServerException($"{failure} the server refused the command"),
    };
}
