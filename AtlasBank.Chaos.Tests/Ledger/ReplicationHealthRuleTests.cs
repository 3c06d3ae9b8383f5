using AtlasBank.LedgerDr.Dr;

namespace AtlasBank.Chaos.Tests.Ledger;

public sealed class ReplicationHealthRuleTests
{
    private static readonly DateTimeOffset Now = new(2025, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly ReplicationHealthOptions Options = new() { MaxMessageAge = TimeSpan.FromSeconds(30), MaxLagBytes = 1_000 };

    private static DrStatus Streaming(long? lagBytes = 0, DateTimeOffset? lastMessage = null) =>
        new("dr", "ledger_dr_sub", true, true, 0, "0/100", "0/100", lastMessage ?? Now.AddSeconds(-1), Now, true, "0/100", lagBytes, null, Now);

    [Fact]
    public void AStreamingSubscriptionWithSmallLagIsHealthy() =>
        Assert.Equal(ReplicationHealth.Ok, ReplicationHealthRule.Evaluate(Streaming(lagBytes: 1_000), null, Now, Options));

    [Theory]
    [InlineData(false, true, true, "subscription missing")]
    [InlineData(true, false, true, "subscription disabled")]
    [InlineData(true, true, false, "primary unreachable")]
    public void EachBrokenPrerequisiteIsNamed(bool exists, bool enabled, bool reachable, string reason)
    {
        var status = Streaming() with { SubscriptionExists = exists, SubscriptionEnabled = enabled, PublisherReachable = reachable };

        Assert.Equal(ReplicationHealth.Unhealthy(reason), ReplicationHealthRule.Evaluate(status, null, Now, Options));
    }

    [Fact]
    public void LagPastTheBoundIsUnhealthy()
    {
        var health = ReplicationHealthRule.Evaluate(Streaming(lagBytes: 1_001), null, Now, Options);

        Assert.False(health.Healthy);
        Assert.Equal("lag 1001 bytes above the bound of 1000", health.UnhealthyReason);
    }

    [Fact]
    public void AnIdlePrimaryIsHealthyHoweverOldTheLastMessage() =>
        Assert.True(ReplicationHealthRule.Evaluate(Streaming(lastMessage: Now.AddHours(-1)), behindSince: null, Now, Options).Healthy);

    [Fact]
    public void APrimaryThatJustWroteAfterAQuietHourHasNotKeptDrWaiting() =>
        Assert.True(ReplicationHealthRule.Evaluate(Streaming(lastMessage: Now.AddHours(-1)), behindSince: Now.AddSeconds(-30), Now, Options).Healthy);

    [Fact]
    public void SilenceWhileThePrimaryWritesPastTheBoundIsUnhealthy()
    {
        var health = ReplicationHealthRule.Evaluate(Streaming(lastMessage: Now.AddHours(-1)), behindSince: Now.AddSeconds(-31), Now, Options);

        Assert.False(health.Healthy);
        Assert.StartsWith("no message from the primary for 31 s", health.UnhealthyReason, StringComparison.Ordinal);
    }

    [Fact]
    public void ARecentMessageWhileBehindIsHealthy() =>
        Assert.True(ReplicationHealthRule.Evaluate(Streaming(lastMessage: Now.AddSeconds(-5)), behindSince: Now.AddMinutes(-5), Now, Options).Healthy);

    [Fact]
    public void NoMessageAtAllWhileBehindCountsFromWhenThePrimaryGotAhead()
    {
        var status = Streaming() with { LastMessageReceivedAt = null, ReceivedLsn = null };

        Assert.True(ReplicationHealthRule.Evaluate(status, Now.AddSeconds(-29), Now, Options).Healthy);
        Assert.False(ReplicationHealthRule.Evaluate(status, Now.AddSeconds(-31), Now, Options).Healthy);
    }

    [Fact]
    public void TheBehindClockStartsWhenThePrimaryGetsAheadAndRestartsWhenDrReceivesMore()
    {
        var tracker = new ReplicationBehindTracker();

        Assert.Null(tracker.Observe("0/100", publisherAhead: false, Now));
        Assert.Equal(Now, tracker.Observe("0/100", publisherAhead: true, Now));
        Assert.Equal(Now, tracker.Observe("0/100", publisherAhead: true, Now.AddSeconds(10)));
        Assert.Equal(Now.AddSeconds(20), tracker.Observe("0/200", publisherAhead: true, Now.AddSeconds(20)));
        Assert.Null(tracker.Observe("0/300", publisherAhead: false, Now.AddSeconds(30)));
    }
}
