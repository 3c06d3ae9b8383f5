using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.Tests.Ledger;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// An active experiment entry that is no experiment (written with Redis credentials alone, or damaged) is poison:
/// every service leaves it out — never chaos — counts it (<c>dead_letters_total</c>) and goes on applying the rest.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosPoisonTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task AJunkExperimentEntryIsCountedAndIgnoredAndTheServiceGoesOnServing()
    {
        var ledger = new LedgerClient(fixture.CreateClient("ledgerapi"));
        var metrics = new ReplicaMetrics(fixture, "ledgerapi");
        var before = await CountAsync(metrics);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis") ?? "").WaitAsync(AtlasAppFixture.RequestTimeout);
        var database = redis.GetDatabase();
        var target = $"poison-{Guid.NewGuid():N}";

        await database.StringSetAsync(ChaosRedisKeys.Experiment(target), "{\"Mode\": \"failure\", \"FailureRate\": ").WaitAsync(AtlasAppFixture.RequestTimeout);
        await database.SortedSetAddAsync(ChaosRedisKeys.Active, target, DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeMilliseconds()).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            await Eventually.TrueAsync(async () => await CountAsync(metrics) > before, Bound, "the ledger to count the junk entry");

            var (funding, customer) = await ledger.CreateFundedPairAsync(10m);
            using var posted = await ledger.PostTransferAsync(customer.Id, funding.Id, 1m);
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }
        finally
        {
            await database.SortedSetRemoveAsync(ChaosRedisKeys.Active, target).WaitAsync(AtlasAppFixture.RequestTimeout);
            await database.KeyDeleteAsync(ChaosRedisKeys.Experiment(target)).WaitAsync(AtlasAppFixture.RequestTimeout);
        }
    }

    private static async Task<double> CountAsync(ReplicaMetrics metrics) =>
        (await metrics.OnEachAsync("dead_letters_total", $"source={ChaosStateSynchronizer.ExperimentKeySource}", "reason=malformed")).Single() ?? 0;
}
