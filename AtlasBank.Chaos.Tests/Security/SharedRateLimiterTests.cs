using System.Threading.RateLimiting;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>The shared limiter against the suite's real Redis, on a fake clock: a token bucket, exact to the tick.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class SharedRateLimiterTests(AtlasAppFixture fixture)
{
    [Theory]
    [InlineData(1_000_000, 3)]  // 1 s apart: ChangesPerMinute-like
    [InlineData(100, 2)]        // 10 µs apart: 100 000 a second, below a millisecond
    public async Task ABurstPassesTheNextIsRefusedForOneIntervalAndPassesOnceItHasGone(long intervalTicks, int burst)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis") ?? "");
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var interval = TimeSpan.FromTicks(intervalTicks);
        var key = $"chaos:ratelimit:test:{Guid.NewGuid():N}";
        // Two limiters on one key: two replicas.
        using var first = new SharedRateLimiter(redis, key, interval, burst, clock, NullLogger.Instance);
        using var second = new SharedRateLimiter(redis, key, interval, burst, clock, NullLogger.Instance);

        for (var i = 0; i < burst; i++)
        {
            using var granted = await (i % 2 == 0 ? first : second).AcquireAsync();
            Assert.True(granted.IsAcquired, $"request {i + 1} of the burst");
        }

        using (var refused = await second.AcquireAsync())
        {
            Assert.False(refused.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
            Assert.Equal(interval, retryAfter);
        }

        clock.Advance(interval);
        using var afterwards = await first.AcquireAsync();
        Assert.True(afterwards.IsAcquired);
    }
}
