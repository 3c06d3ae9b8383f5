using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using AtlasBank.Chaos.Tests.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using static AtlasBank.Chaos.Tests.Dr.Routing.RoutingTestData;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

public sealed class ActiveRegionHandlerTests
{
    private readonly DrRoutingCache _routing = new(new FakeTimeProvider(Start));

    [Theory]
    [InlineData(DrRegions.A, "http://ledger/transfers", "http://ledgerapi/transfers")]
    [InlineData(DrRegions.B, "http://ledger/transfers", "http://ledgerapi-dr/transfers")]
    [InlineData(DrRegions.B, "https://LEDGER:8443/accounts/1/entries?limit=5", "https://ledgerapi-dr:8443/accounts/1/entries?limit=5")]
    public async Task ACallToTheLogicalLedgerGoesToTheActiveRegionsLedger(string region, string url, string expected)
    {
        _routing.Apply(State(region, 1));
        var inner = new RecordingHandler();
        using var client = new HttpClient(new ActiveRegionHandler(_routing) { InnerHandler = inner });

        using var response = await client.GetAsync(url);

        Assert.Equal(new Uri(expected), Assert.Single(inner.Uris));
    }

    [Theory]
    [InlineData("http://ledgerapi/transfers")]
    [InlineData("http://ledgerapi-dr/health")]
    [InlineData("http://ledgers/health")]
    [InlineData("http://chaos-manager/chaos/list")]
    public async Task OtherHostsPassThroughUntouched(string url)
    {
        _routing.Apply(State(DrRegions.B, 1));
        var inner = new RecordingHandler();
        using var client = new HttpClient(new ActiveRegionHandler(_routing) { InnerHandler = inner });

        using var response = await client.GetAsync(url);

        Assert.Equal(new Uri(url), Assert.Single(inner.Uris));
    }

    [Fact]
    public async Task ARetryOfTheSameRequestGoesWhereTheRoutingPointsThen()
    {
        // The first attempt reaches region A while the failover happens, and fails; the standard handler's retry of
        // the same HttpRequestMessage must go to region B.
        var inner = new RecordingHandler(onCall: call =>
        {
            if (call == 1)
            {
                _routing.Apply(State(DrRegions.B, 2));
                return HttpStatusCode.ServiceUnavailable;
            }

            return HttpStatusCode.OK;
        });
        var services = new ServiceCollection();
        services.AddSingleton(_routing);
        services.AddTransient<ActiveRegionHandler>();
        services.AddHttpClient("ledger")
            .AddStandardResilienceHandler(options => options.Retry.Delay = TimeSpan.Zero).Services
            .AddHttpClient("ledger").AddActiveRegionHandler()
            .ConfigurePrimaryHttpMessageHandler(() => inner);
        await using var provider = services.BuildServiceProvider();

        using var response = await provider.GetRequiredService<IHttpClientFactory>().CreateClient("ledger").GetAsync("http://ledger/accounts/1");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([new Uri("http://ledgerapi/accounts/1"), new Uri("http://ledgerapi-dr/accounts/1")], inner.Uris);
    }

    [Fact]
    public async Task ChaosOnARegionsLedgerHitsCallsMadeThroughTheLogicalNameWhileThatRegionIsActive()
    {
        // ledger-region-a failure 1.0: every call to ledgerapi fails, http://ledger included while A is active;
        // none to ledgerapi-dr.
        var time = new FakeTimeProvider(ChaosTestData.Start);
        var chaos = ChaosTestData.Cache(time, null, ChaosTestData.Experiment(DrRegions.LedgerChaosTargetOf(DrRegions.A)));
        var pipelines = new ChaosPipelineProvider(time, new ChaosRandomizer(() => 0.5));
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>();
        var inner = new RecordingHandler();
        using var client = new HttpClient(new ActiveRegionHandler(_routing)
        {
            InnerHandler = new ChaosHandler(chaos, pipelines, new ChaosClientMetrics(meters), new ChaosHealthCounters()) { InnerHandler = inner },
        });

        using var viaLogicalOnA = await client.GetAsync("http://ledger/health");
        using var direct = await client.GetAsync("http://ledgerapi/health");
        using var toB = await client.GetAsync("http://ledgerapi-dr/health");
        _routing.Apply(State(DrRegions.B, 1));
        using var viaLogicalOnB = await client.GetAsync("http://ledger/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, viaLogicalOnA.StatusCode);
        Assert.Equal(ChaosHeaders.Fault, viaLogicalOnA.Headers.GetValues(ChaosHeaders.Injected).Single());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, direct.StatusCode);
        Assert.Equal(HttpStatusCode.OK, toB.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viaLogicalOnB.StatusCode);
        Assert.Equal([new Uri("http://ledgerapi-dr/health"), new Uri("http://ledgerapi-dr/health")], inner.Uris);
    }

    private sealed class RecordingHandler(Func<int, HttpStatusCode>? onCall = null) : HttpMessageHandler
    {
        private readonly Lock _gate = new();
        private readonly List<Uri> _uris = [];

        public IReadOnlyList<Uri> Uris
        {
            get
            {
                lock (_gate)
                {
                    return [.. _uris];
                }
            }
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            int call;
            lock (_gate)
            {
                _uris.Add(request.RequestUri!);
                call = _uris.Count;
            }

            return Task.FromResult(new HttpResponseMessage(onCall?.Invoke(call) ?? HttpStatusCode.OK) { RequestMessage = request });
        }
    }
}
