using System.Threading.RateLimiting;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>The shared limiter against the suite's real Redis, on a fake clock, with two limiters as two replicas.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class SharedRateLimiterTests(AtlasAppFixture fixture)
{
    [Theory]
    [InlineData(60, 2)]       // ChangesPerMinute 2
    [InlineData(1, 1000)]     // InjectPerSecond as the suite sets it
    public async Task TheLimitPassesAcrossReplicasTheNextIsRefusedUntilItsRetryAfterAndNotATickLonger(int windowSeconds, int limit)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis") ?? "");
        var window = TimeSpan.FromSeconds(windowSeconds);
        // At the start of a window, as a request at any point of one is weighed the same way.
        var clock = new FakeTimeProvider(new DateTimeOffset(DateTimeOffset.UtcNow.UtcTicks / window.Ticks * window.Ticks, TimeSpan.Zero));
        var key = $"chaos:ratelimit:test:{Guid.NewGuid():N}";
        using var first = new SharedRateLimiter(redis, key, window, limit, clock, NullLogger.Instance);
        using var second = new SharedRateLimiter(redis, key, window, limit, clock, NullLogger.Instance);

        var granted = await Task.WhenAll(Enumerable.Range(0, limit).Select(async i =>
        {
            using var lease = await (i % 2 == 0 ? first : second).AcquireAsync();
            return lease.IsAcquired;
        })).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(granted, Assert.True);

        TimeSpan retryAfter;
        using (var refused = await second.AcquireAsync())
        {
            Assert.False(refused.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out retryAfter));
        }

        // The full window has to slide by first: no burst of twice the limit across a window's edge.
        Assert.True(retryAfter > window, $"retry after {retryAfter}");
        clock.Advance(retryAfter - TimeSpan.FromTicks(1));
        using (var early = await first.AcquireAsync())
        {
            Assert.False(early.IsAcquired);
        }

        clock.Advance(TimeSpan.FromTicks(1));
        using var onTime = await first.AcquireAsync();
        Assert.True(onTime.IsAcquired);
    }
}
