using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using Microsoft.Extensions.Time.Testing;
using static AtlasBank.Chaos.Tests.Dr.Routing.RoutingTestData;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

public sealed class DrRoutingCacheTests
{
    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void UntilAStateIsReadRegionAWritesAndTheRoutingIsNotKnown()
    {
        var cache = new DrRoutingCache(_time);

        Assert.Equal(DrRoutingState.Home, cache.Current);
        Assert.Equal(DrRegions.A, cache.Current.ActiveRegion);
        Assert.True(cache.Current.IsWriter(DrRegions.A));
        Assert.False(cache.Known);
        Assert.Null(cache.View.AppliedAt);
    }

    [Fact]
    public void AHigherEpochTakesOverAndIsAnnounced()
    {
        var cache = new DrRoutingCache(_time);
        var announced = new List<DrRoutingState>();
        cache.Changed += announced.Add;

        Assert.True(cache.Apply(State(DrRegions.B, 3)));

        Assert.Equal(State(DrRegions.B, 3), cache.Current);
        Assert.True(cache.Known);
        Assert.Equal(1, cache.Version);
        Assert.Equal(Start, cache.View.AppliedAt);
        Assert.Equal([State(DrRegions.B, 3)], announced);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void TheEpochNeverGoesBack(long staleEpoch)
    {
        var cache = new DrRoutingCache(_time);
        cache.Apply(State(DrRegions.B, 5));
        var announced = 0;
        cache.Changed += _ => announced++;

        Assert.False(cache.Apply(State(DrRegions.A, staleEpoch)));

        Assert.Equal(State(DrRegions.B, 5), cache.Current);
        Assert.Equal(1, cache.Version);
        Assert.Equal(0, announced);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"ActiveRegion":"region-c","Epoch":9,"Switching":false,"ChangedAt":"2026-11-26T12:00:00+00:00"}""")]
    [InlineData("""{"Unrelated":true}""")]
    [InlineData("[1,2]")]
    public void JsonThatIsNotARoutingStateChangesNothing(string json)
    {
        var cache = new DrRoutingCache(_time);
        cache.Apply(State(DrRegions.B, 2));

        Assert.False(cache.ApplyJson(json));

        Assert.Equal(State(DrRegions.B, 2), cache.Current);
    }

    [Fact]
    public void TheManagersJsonIsTakenAsItIs()
    {
        var cache = new DrRoutingCache(_time);

        Assert.True(cache.ApplyJson(State(DrRegions.B, 7, switching: true).ToJson()));

        Assert.Equal(State(DrRegions.B, 7, switching: true), cache.Current);
        Assert.False(cache.Current.IsWriter(DrRegions.B));
    }
}
