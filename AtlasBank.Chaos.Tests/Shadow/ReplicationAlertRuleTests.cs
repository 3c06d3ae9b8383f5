using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Contracts.Shadow;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The agent's replication alert, the lag and error shares, the noise-floor rule and what may match.</summary>
public sealed class ReplicationAlertRuleTests
{
    private static readonly ShadowOptions Settings = new() { ReplicationAlertShare = 0.5, ReplicationAlertMinSamples = 10 };
    private static readonly DrReplication Healthy = new(true, null);

    [Fact]
    public void LagAndErrorSharesAreOfAllVerdicts()
    {
        var report = DriftValidator.Report(new ShadowCounts(Match: 50, Drift: 0, Lag: 30, Error: 15, Chaos: 5, 0, 0), Settings, DateTimeOffset.UnixEpoch, Healthy);

        Assert.Equal(0.30, report.LagShare);
        Assert.Equal(0.15, report.ErrorShare);
        Assert.False(report.ReplicationAlert);
        Assert.Null(report.ReplicationAlertReason);
        Assert.True(report.ReplicationHealthy);
    }

    [Fact]
    public void LagAndErrorDominatingTheWindowRaiseTheAlertWithoutAnyDrift()
    {
        var report = DriftValidator.Report(new ShadowCounts(Match: 4, Drift: 0, Lag: 4, Error: 2, Chaos: 0, 0, 0), Settings, DateTimeOffset.UnixEpoch, Healthy);

        Assert.False(report.Alert);
        Assert.Equal(0, report.DriftRate);
        Assert.True(report.ReplicationAlert);
        Assert.Equal("lag and error are 60 % of 10 verdicts (more than 50 %)", report.ReplicationAlertReason);
    }

    [Fact]
    public void ExactlyTheShareIsNotMoreThanIt() =>
        Assert.False(DriftValidator.Report(new ShadowCounts(5, 0, 5, 0, 0, 0, 0), Settings, DateTimeOffset.UnixEpoch, Healthy).ReplicationAlert);

    [Fact]
    public void TooFewVerdictsAreNotATrend() =>
        Assert.False(DriftValidator.Report(new ShadowCounts(0, 0, 9, 0, 0, 0, 0), Settings, DateTimeOffset.UnixEpoch, Healthy).ReplicationAlert);

    [Fact]
    public void DrReportingUnhealthyReplicationRaisesTheAlertWhateverTheVerdicts()
    {
        var report = DriftValidator.Report(new ShadowCounts(0, 0, 0, 0, 0, 0, 0), Settings, DateTimeOffset.UnixEpoch, new DrReplication(false, "subscription disabled"));

        Assert.True(report.ReplicationAlert);
        Assert.False(report.ReplicationHealthy);
        Assert.Equal("DR reports replication unhealthy: subscription disabled", report.ReplicationAlertReason);
    }

    [Fact]
    public void AnUnreadableDrStatusRaisesTheAlertAndBothReasonsAreGiven()
    {
        var report = DriftValidator.Report(new ShadowCounts(0, 0, 0, 20, 0, 0, 0), Settings, DateTimeOffset.UnixEpoch, DrReplication.Unknown("connection refused"));

        Assert.True(report.ReplicationAlert);
        Assert.Null(report.ReplicationHealthy);
        Assert.Equal("DR's replication status is unknown (connection refused); lag and error are 100 % of 20 verdicts (more than 50 %)", report.ReplicationAlertReason);
    }

    [Theory]
    [InlineData(0x100UL, 0x100UL, true, true)]
    [InlineData(0x100UL, 0x100UL, false, false)]
    [InlineData(0x100UL, 0x180UL, true, null)]
    [InlineData(0x100UL, 0x180UL, false, null)]
    [InlineData(null, 0x100UL, true, null)]
    [InlineData(0x100UL, null, true, null)]
    public void ANoiseSampleCountsOnlyWhenTheWalDidNotMove(ulong? atSample, ulong? afterAgain, bool disagreed, bool? counted) =>
        Assert.Equal(counted, ShadowReplayer.NoiseSample(atSample, afterAgain, disagreed));

    [Theory]
    [InlineData(200, 200, 0, true)]
    [InlineData(404, 404, 0, true)]
    [InlineData(404, 200, 0, false)]
    [InlineData(200, 404, 0, false)]
    [InlineData(200, 200, 1, false)]
    public void DifferentStatusesNeverMatch(int primary, int dr, int differences, bool match) =>
        Assert.Equal(match, Verdicts.Agree(primary, dr, differences));
}
