using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Tests.Safety;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>A hung region database (TCP accepts, nothing answers) ends the controller's calls, bounded, as unavailable.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class FrozenRegionDatabaseTests(AtlasAppFixture fixture)
{
    /// <summary>Functional only: far above the 2 s bound, far below a hang.</summary>
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CallsAgainstAFrozenRegionADatabaseEndAsRegionDatabaseUnavailable()
    {
        await using var regions = await RegionDatabases.CreateAsync(fixture);
        // One call first, so the pool holds a connection: the frozen server then stalls a command on it...
        await regions.A.PositionAsync(CancellationToken.None);
        // An epoch nothing will ever record below: the fence, queued on the frozen server, is refused when it thaws.
        const long superseded = -1;
        var outage = await PostgresOutage.BeginAsync(fixture, "postgres", OutageKind.Frozen);
        try
        {
            var onPooled = await Assert.ThrowsAsync<RegionDatabaseUnavailableException>(
                () => regions.A.PositionAsync(CancellationToken.None).WaitAsync(Generous));
            // ...and a new connection's start-up, and the fence itself.
            var onNew = await Assert.ThrowsAsync<RegionDatabaseUnavailableException>(
                () => regions.A.FenceWritesAsync(superseded, CancellationToken.None).WaitAsync(Generous));

            Assert.Equal("region-a", onPooled.Region);
            Assert.Equal("region-a", onNew.Region);
            // Region B answers meanwhile.
            Assert.False(await regions.B.WritesGrantedAsync(CancellationToken.None));
        }
        finally
        {
            await outage.EndAsync();
            await regions.RestoreHomeAsync();
        }
    }
}
