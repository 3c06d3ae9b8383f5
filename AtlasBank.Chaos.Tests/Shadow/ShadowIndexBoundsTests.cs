using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The agent's comparison indexes stay bounded on write, by count and by age, in the app's real Redis.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ShadowIndexBoundsTests(AtlasAppFixture fixture)
{
    [Fact]
    public async Task EachWriteTrimsTheIndexesAndComparisonsToTheNewestAllowedAndDropsThoseOlderThanTheTtl()
    {
        var options = new ShadowOptions { KeyPrefix = $"bounds-{Guid.NewGuid():N}:", MaxIndexedComparisons = 10, ComparisonTtl = TimeSpan.FromHours(1) };
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis") ?? "");
        var store = new ShadowStore(redis, Options.Create(options), TimeProvider.System);
        var keys = new ShadowRedisKeys(options.KeyPrefix);
        var now = DateTimeOffset.UtcNow;
        try
        {
            await store.SaveAsync(Comparison("too-old", now - TimeSpan.FromHours(2)));
            for (var i = 0; i < 15; i++)
            {
                await store.SaveAsync(Comparison($"c{i:00}", now.AddSeconds(i)));
            }

            var kept = (await redis.GetDatabase().SortedSetRangeByRankAsync(keys.ComparisonIndex)).Select(id => id.ToString()).ToArray();
            Assert.Equal([.. Enumerable.Range(5, 10).Select(i => $"c{i:00}")], kept);
            Assert.Equal(10, await redis.GetDatabase().SortedSetLengthAsync(keys.ComparisonIndexOf(Verdicts.Match)));
            // The evicted comparisons themselves are gone, not left to their 1 h TTL.
            foreach (var i in Enumerable.Range(0, 15))
            {
                Assert.Equal(i >= 5, await redis.GetDatabase().KeyExistsAsync(keys.Comparison($"c{i:00}")));
            }
        }
        finally
        {
            var server = redis.GetServers()[0];
            await redis.GetDatabase().KeyDeleteAsync([.. server.Keys(pattern: options.KeyPrefix + "*")]);
        }
    }

    private static ShadowComparison Comparison(string id, DateTimeOffset at) => new(
        id, "GET", "/accounts/x", Verdicts.Match, 200, 200, [], 1, 1, at, at, null, null, 1, null, null, null);
}
