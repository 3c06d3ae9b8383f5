using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Inject statistics are bounded in time: a service no one injects into any more drops out.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosStatsRetentionTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    [Fact]
    public async Task EveryInjectRenewsAStatisticsExpiryOfSevenDays()
    {
        await Admin.EnableAsync("""{"Service":"retention","Mode":"latency","DelayMs":1,"TargetUrl":"http://ledgerapi/alive"}""");
        await Admin.InjectAsync("retention");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Fixture.App.GetConnectionStringAsync("redis") ?? "");
        foreach (var key in new[] { "chaos:stats:retention", "chaos:stats:_total", "chaos:stats:index" })
        {
            var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.True(ttl is { } left && left > TimeSpan.FromDays(6.9) && left <= TimeSpan.FromDays(7), $"{key}: TTL {ttl}");
        }
    }
}
