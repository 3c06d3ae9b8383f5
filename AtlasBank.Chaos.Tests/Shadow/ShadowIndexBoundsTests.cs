using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Options;
using AtlasBank.Chaos.Tests.Security;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The agent's comparison indexes stay bounded on write, by count and by age, in the app's real Redis.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ShadowIndexBoundsTests(AtlasAppFixture fixture)
{
    [Fact]
    public async Task EachWriteTrimsTheIndexesAndComparisonsToTheNewestAllowedAndDropsThoseOlderThanTheTtl()
    {
        // A prefix of its own keeps the agent's real comparisons out of it; the agent's ACL rights for these commands
        // are RedisAclTests' to prove.
        var options = new ShadowOptions { KeyPrefix = $"bounds-{Guid.NewGuid():N}:", MaxIndexedComparisons = 10, ComparisonTtl = TimeSpan.FromHours(1) };
        await using var admin = await RedisRoleConnections.ConnectAsAdminAsync(fixture.App);
        var store = new ShadowStore(admin, Options.Create(options), TimeProvider.System);
        var keys = new ShadowRedisKeys(options.KeyPrefix);
        var now = DateTimeOffset.UtcNow;
        try
        {
            await store.SaveAsync(Comparison("too-old", now - TimeSpan.FromHours(2)));
            for (var i = 0; i < 15; i++)
            {
                await store.SaveAsync(Comparison($"c{i:00}", now.AddSeconds(i)));
            }

            var kept = (await admin.GetDatabase().SortedSetRangeByRankAsync(keys.ComparisonIndex)).Select(id => id.ToString()).ToArray();
            Assert.Equal([.. Enumerable.Range(5, 10).Select(i => $"c{i:00}")], kept);
            Assert.Equal(10, await admin.GetDatabase().SortedSetLengthAsync(keys.ComparisonIndexOf(Verdicts.Match)));
            // The evicted comparisons themselves are gone, not left to their 1 h TTL.
            foreach (var i in Enumerable.Range(0, 15))
            {
                Assert.Equal(i >= 5, await admin.GetDatabase().KeyExistsAsync(keys.Comparison($"c{i:00}")));
            }
        }
        finally
        {
            var server = admin.GetServers()[0];
            await admin.GetDatabase().KeyDeleteAsync([.. server.Keys(pattern: options.KeyPrefix + "*")]);
        }
    }

    private static ShadowComparison Comparison(string id, DateTimeOffset at) => new(
        id, "GET", "/accounts/x", Verdicts.Match, 200, 200, [], 1, 1, at, at, null, null, 1, null, null, null);
}
