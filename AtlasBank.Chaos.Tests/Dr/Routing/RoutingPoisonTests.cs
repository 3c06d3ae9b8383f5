using System.Net;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using AtlasBank.Chaos.Tests.Ledger;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

/// <summary>
/// Junk where every process reads the routing — a message on its channel that is no routing state, a key holding
/// none — is poison: each ledger counts it (<c>dead_letters_total</c>), keeps the region it had and goes on writing.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class RoutingPoisonTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task JunkOnTheRoutingChannelAndInTheRoutingKeyIsCountedAndTheLedgerKeepsWriting()
    {
        var ledger = new LedgerClient(fixture.CreateClient("ledgerapi"));
        var (funding, customer) = await ledger.CreateFundedPairAsync(10m);
        var metrics = new ReplicaMetrics(fixture, "ledgerapi");
        var channelBefore = await CountAsync(metrics, DrRoutingSynchronizer.ChannelSource);
        var keyBefore = await CountAsync(metrics, DrRoutingSynchronizer.KeySource);
        var admin = await RoutingAdmin.ConnectAsync(fixture);

        await admin.PublishRawAsync("{\"ActiveRegion\": \"region-z\"");
        var previous = await admin.ReplaceRawAsync("not a routing state");
        try
        {
            await Eventually.TrueAsync(async () => await CountAsync(metrics, DrRoutingSynchronizer.ChannelSource) > channelBefore
                && await CountAsync(metrics, DrRoutingSynchronizer.KeySource) > keyBefore, Bound, "the ledger to count both");

            using var posted = await ledger.PostTransferAsync(customer.Id, funding.Id, 1m);
            Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        }
        finally
        {
            await admin.ReplaceRawAsync(previous);
        }
    }

    private static async Task<double> CountAsync(ReplicaMetrics metrics, string source) =>
        (await metrics.OnEachAsync("dead_letters_total", $"source={source}", "reason=malformed")).Single() ?? 0;
}
