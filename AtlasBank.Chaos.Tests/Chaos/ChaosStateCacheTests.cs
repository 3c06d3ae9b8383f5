using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

public sealed class ChaosStateCacheTests
{
    private readonly FakeTimeProvider _time = new(ChaosTestData.Start);

    [Theory]
    [InlineData("http://ledger/accounts")]
    [InlineData("http://ledgerapi/health")]
    [InlineData("http://LEDGERAPI:6181/health")]
    public void ARequestToTheTargetByNameOrApiAliasMatches(string url)
    {
        var cache = ChaosTestData.Cache(_time, null, ChaosTestData.Experiment("ledger"));

        Assert.Equal("ledger", cache.Match(new Uri(url))?.Service);
    }

    [Fact]
    public void TheHostOfTheTargetUrlAndConfiguredAliasesMatch()
    {
        var options = new ChaosOptions { Aliases = { ["payments"] = ["payments-gateway"] } };
        var cache = ChaosTestData.Cache(_time, options,
            ChaosTestData.Experiment("payments", targetUrl: "http://pay.internal:5191/health"));

        Assert.NotNull(cache.Match(new Uri("http://pay.internal/transfers")));
        Assert.NotNull(cache.Match(new Uri("http://payments-gateway/x")));
        Assert.NotNull(cache.Match(new Uri("http://paymentsapi/x")));
    }

    [Theory]
    [InlineData("http://ledgerapi-dr/health")]
    [InlineData("http://chaos-manager/chaos/list")]
    [InlineData("http://ledgerapix/health")]
    public void OtherServicesDoNotMatch(string url)
    {
        var cache = ChaosTestData.Cache(_time, null, ChaosTestData.Experiment("ledger"));

        Assert.Null(cache.Match(new Uri(url)));
    }

    [Theory]
    [InlineData("ledger-region-a", "http://ledgerapi/transfers", "http://ledgerapi-dr/transfers")]
    [InlineData("ledger-region-b", "http://ledgerapi-dr:6182/health", "http://ledgerapi/health")]
    public void ARegionsSpecNameTargetsThatRegionsLedgerAndNotTheOther(string service, string hit, string miss)
    {
        var cache = ChaosTestData.Cache(_time, null, ChaosTestData.Experiment(service));

        Assert.Equal(service, cache.Match(new Uri(hit))?.Service);
        Assert.Null(cache.Match(new Uri(miss)));
    }

    [Fact]
    public void NothingIsInjectedOnceTheLeaseRunsOut()
    {
        var cache = ChaosTestData.Cache(_time, null, ChaosTestData.Experiment("ledger", lease: TimeSpan.FromSeconds(10)));

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.NotNull(cache.Match(new Uri("http://ledgerapi/health")));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(cache.Match(new Uri("http://ledgerapi/health")));
    }

    [Fact]
    public void AStaleViewInjectsNothing()
    {
        var options = new ChaosOptions { StaleAfter = TimeSpan.FromSeconds(15) };
        var cache = ChaosTestData.Cache(_time, options, ChaosTestData.Experiment("ledger"));

        _time.Advance(TimeSpan.FromSeconds(16));

        Assert.Null(cache.Match(new Uri("http://ledgerapi/health")));
    }

    [Fact]
    public void ClearingTheViewWhenRedisIsLostInjectsNothing()
    {
        var cache = ChaosTestData.Cache(_time, null, ChaosTestData.Experiment("ledger"));

        cache.Clear();

        Assert.Null(cache.Match(new Uri("http://ledgerapi/health")));
        Assert.Null(cache.LastSyncedAt);
    }

    [Fact]
    public void ChaosSwitchedOffForTheServiceInjectsNothing()
    {
        var cache = ChaosTestData.Cache(_time, new ChaosOptions { Enabled = false }, ChaosTestData.Experiment("ledger"));

        Assert.Null(cache.Match(new Uri("http://ledgerapi/health")));
    }

    [Theory]
    [InlineData("ledger", "ledgerapi")]
    [InlineData("payments", "paymentsapi")]
    [InlineData("ledger-dr", "ledgerapi-dr")]
    [InlineData("ledgerapi", "ledgerapi")]
    [InlineData("ledgerapi-dr", "ledgerapi-dr")]
    [InlineData("ledger-region-a", "ledgerapi")]
    [InlineData("ledger-region-b", "ledgerapi-dr")]
    public void TheApiNameFollowsTheSpecsPairs(string service, string expected) =>
        Assert.Equal(expected, ChaosTargets.ApiName(service));
}
