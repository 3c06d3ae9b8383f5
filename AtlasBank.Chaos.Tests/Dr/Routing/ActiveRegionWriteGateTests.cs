using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using AtlasBank.LedgerDr.Dr;
using AtlasBank.LedgerDr.Ledger;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static AtlasBank.Chaos.Tests.Dr.Routing.RoutingTestData;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

public sealed class ActiveRegionWriteGateTests
{
    private readonly DrRoutingCache _routing = new(new FakeTimeProvider(Start));

    [Fact]
    public void AWriteLetThroughBeforeAFenceStaysCountedUntilItEnds()
    {
        var gate = Gate(DrRegions.A);

        var (before, pass) = gate.TryEnter();
        _routing.Apply(State(DrRegions.B, 1));
        var (after, refused) = gate.TryEnter();

        Assert.True(before.IsWriter(DrRegions.A));
        Assert.NotNull(pass);
        Assert.Null(refused);
        Assert.Equal(DrRegions.B, after.ActiveRegion);
        Assert.Equal(1, gate.WritesInFlight);
        pass.Dispose();
        pass.Dispose();
        Assert.Equal(0, gate.WritesInFlight);
    }

    [Theory]
    [InlineData(DrRegions.A, DrRegions.A, false, true)]
    [InlineData(DrRegions.B, DrRegions.A, false, false)]
    [InlineData(DrRegions.B, DrRegions.B, false, true)]
    [InlineData(DrRegions.B, DrRegions.B, true, false)]
    [InlineData(DrRegions.A, DrRegions.B, true, false)]
    public void OnlyTheActiveRegionsLedgerTakesWritesAndNoneWhileSwitching(string mine, string active, bool switching, bool writes)
    {
        _routing.Apply(State(active, 1, switching));

        var (_, pass) = Gate(mine).TryEnter();

        Assert.Equal(writes, pass is not null);
    }

    private ActiveRegionWriteGate Gate(string region) =>
        new(_routing, Options.Create(new LedgerOptions { Role = LedgerRole.Primary, Region = region }));
}
