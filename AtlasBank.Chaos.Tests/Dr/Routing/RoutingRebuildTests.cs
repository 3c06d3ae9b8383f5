using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

/// <summary>How a lost routing is rebuilt from what the region databases record: the rule alone, no app.</summary>
public sealed class RoutingRebuildTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 8, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheRegionThatRecordsItselfTheWriterIsActiveOneEpochAboveTheHighestRecorded()
    {
        var rebuilt = DrRoutingRecovery.Rebuild([new(DrRegions.A, false, 7), new(DrRegions.B, true, 8)], heldEpoch: 0, Now);

        Assert.Equal(new DrRoutingState(DrRegions.B, 9, false, Now, null), rebuilt);
    }

    [Fact]
    public void AnEpochALedgerHoldsAboveTheDatabasesIsExceededSoEveryLedgerTakesTheRebuiltRouting()
    {
        var rebuilt = DrRoutingRecovery.Rebuild([new(DrRegions.A, true, 4), new(DrRegions.B, false, 3)], heldEpoch: 6, Now);

        Assert.Equal((DrRegions.A, 7L), (rebuilt!.ActiveRegion, rebuilt.Epoch));
    }

    [Fact]
    public void OfTwoRegionsRecordingThemselvesTheWriterTheOneGrantedAtTheNewerEpochIsActive()
    {
        // The other's grant is a stray (its database was down when it was fenced): the fence keeper revokes it.
        var rebuilt = DrRoutingRecovery.Rebuild([new(DrRegions.A, true, 2), new(DrRegions.B, true, 4)], heldEpoch: 0, Now);

        Assert.Equal(DrRegions.B, rebuilt!.ActiveRegion);
    }

    [Fact]
    public void WhenNeitherRegionRecordsItselfTheWriterNothingIsRebuilt()
    {
        RegionRole[] roles = [new(DrRegions.A, false, 5), new(DrRegions.B, false, 5)];

        Assert.Null(DrRoutingRecovery.Rebuild(roles, heldEpoch: 5, Now));
    }
}
