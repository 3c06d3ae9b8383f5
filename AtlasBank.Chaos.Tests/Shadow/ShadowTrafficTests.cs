using System.Diagnostics;
using System.Net;
using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Tests.Ledger;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The agent against the real primary and DR ledgers (the fixture shadows every read).</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ShadowTrafficTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan VerdictBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ReplicationBound = TimeSpan.FromSeconds(30);
    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));
    private readonly LedgerClient _dr = new(fixture.CreateClient("ledgerapi-dr"));
    private readonly HttpClient _agent = fixture.CreateClient("chaos-agent");

    public Task InitializeAsync() => new Chaos.ChaosManagerClient(fixture.CreateClient("chaos-manager")).DisableEverythingAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task SteadyReadsWithHealthyReplicationMatchAndAreStoredForADay()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(40m);
        await _dr.WaitForBalanceAsync(customer.Id, 40m, ReplicationBound);

        for (var i = 0; i < 5; i++)
        {
            await _primary.GetAccountAsync(customer.Id);
            await _primary.GetEntriesAsync(customer.Id);
        }

        var comparisons = await WaitForComparisonsAsync($"/accounts/{customer.Id}", 10);
        Assert.All(comparisons, c => Assert.Equal(Verdicts.Match, c.Verdict));
        Assert.All(comparisons, c => Assert.Equal("GET", c.Method));

        var redis = await RedisAsync();
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync($"shadow:comparison:{comparisons[0].Id}");
        Assert.InRange(ttl!.Value, TimeSpan.FromHours(23.9), TimeSpan.FromHours(24));
        Assert.NotEmpty(await redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: "shadow:comparison:*").Take(1).ToListAsync());
    }

    [Fact]
    public async Task ARowCorruptedOnDrIsDriftNamingThePathWarnedWithTheMarkerAndRaisingTheRate()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(25m);
        await _dr.WaitForBalanceAsync(customer.Id, 25m, ReplicationBound);
        using var logs = new ResourceLogCollector(fixture.App, "chaos-agent");

        // Bypass replication: change DR's copy directly, as a faulty restore or a rogue write would.
        await DrDatabase.ExecuteAsync(fixture, $"UPDATE accounts SET balance = balance + 1 WHERE id = '{customer.Id}'");
        for (var i = 0; i < 20; i++)
        {
            await _primary.GetAccountAsync(customer.Id);
        }

        var drift = (await WaitForComparisonsAsync($"/accounts/{customer.Id}", 1, Verdicts.Drift))[0];
        var difference = Assert.Single(drift.Differences);
        Assert.Equal("$.balance", difference.Path);
        Assert.Equal("25.00", difference.Primary);
        Assert.Equal("26.00", difference.Dr);

        await logs.WaitForAsync(line => line.Contains("📊", StringComparison.Ordinal) && line.Contains("exceeds", StringComparison.Ordinal), VerdictBound);
        await Eventually.TrueAsync(async () => MetricValue(await _agent.GetStringAsync("/metrics"), "drift_detection_rate") > 0, VerdictBound, "drift_detection_rate to rise");
    }

    [Fact]
    public async Task ReadsWhileReplicationIsPausedEndAsLagAndMatchOnceItResumes()
    {
        var (funding, customer) = await _primary.CreateFundedPairAsync(10m);
        await _dr.WaitForBalanceAsync(customer.Id, 10m, ReplicationBound);

        await DrDatabase.ExecuteAsync(fixture, "ALTER SUBSCRIPTION ledger_dr_sub DISABLE");
        try
        {
            using var transfer = await _primary.PostTransferAsync(funding.Id, customer.Id, 5m);
            Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
            await _primary.GetAccountAsync(customer.Id);

            var lag = (await WaitForComparisonsAsync($"/accounts/{customer.Id}", 1, Verdicts.Lag))[0];
            Assert.Equal("$.balance", Assert.Single(lag.Differences).Path);
            Assert.Empty(await RecentAsync(Verdicts.Drift, $"/accounts/{customer.Id}"));
        }
        finally
        {
            await DrDatabase.ExecuteAsync(fixture, "ALTER SUBSCRIPTION ledger_dr_sub ENABLE");
        }

        await _dr.WaitForBalanceAsync(customer.Id, 15m, ReplicationBound);
        var before = (await RecentAsync(Verdicts.Match, $"/accounts/{customer.Id}")).Count;
        await _primary.GetAccountAsync(customer.Id);
        await Eventually.TrueAsync(async () => (await RecentAsync(Verdicts.Match, $"/accounts/{customer.Id}")).Count > before, VerdictBound, "a match after resuming");
    }

    [Fact]
    public async Task WithDrStoppedComparisonsAreErrors()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(3m);

        await fixture.App.ResourceCommands.ExecuteCommandAsync("ledgerapi-dr", KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            await _primary.GetAccountAsync(customer.Id);
            var error = (await WaitForComparisonsAsync($"/accounts/{customer.Id}", 1, Verdicts.Error))[0];
            Assert.NotNull(error.Error);
        }
        finally
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync("ledgerapi-dr", KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("ledgerapi-dr").WaitAsync(AtlasAppFixture.StartTimeout);
        }
    }

    [Fact]
    public async Task WithRedisStoppedThePrimaryStillServesAsFastAsBefore()
    {
        // Redis is the one thing the primary's tap talks to: were sampling on the request path, every sampled
        // read (all of them here, Shadow:Rate is 1) would wait on a dead Redis.
        var (_, customer) = await _primary.CreateFundedPairAsync(3m);
        var baseline = await PrimaryLatenciesAsync(customer.Id);

        await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            var during = await PrimaryLatenciesAsync(customer.Id);
            // Bound is loose for a shared CI box; a tap waiting on Redis would cost its connect timeout per read.
            Assert.True(during[during.Length / 2] <= baseline[baseline.Length / 2] * 3 + 20,
                $"primary p50 {baseline[baseline.Length / 2]:0.0} ms with Redis, {during[during.Length / 2]:0.0} ms without");
        }
        finally
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("redis").WaitAsync(AtlasAppFixture.StartTimeout);
        }
    }

    [Fact]
    public async Task AVolatileFieldDifferingOnEveryRequestIsNotDrift()
    {
        var unknown = Guid.NewGuid();
        using (var response = await _primary.Http.GetAsync($"/accounts/{unknown}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Contains("traceId", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var comparison = (await WaitForComparisonsAsync($"/accounts/{unknown}", 1))[0];

        Assert.Equal(Verdicts.Match, comparison.Verdict);
        Assert.Equal(404, comparison.DrStatus);
    }

    [Fact]
    public async Task WritesAreNeverReplayed()
    {
        var reference = $"never-replayed-{Guid.NewGuid():N}";
        var (funding, customer) = await _primary.CreateFundedPairAsync(2m);
        using (var transfer = await _primary.PostTransferAsync(funding.Id, customer.Id, 1m, reference: reference))
        {
            Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
        }

        await _primary.GetAccountAsync(customer.Id); // a read after the writes, to know the agent has caught up
        await WaitForComparisonsAsync($"/accounts/{customer.Id}", 1);

        var recent = await RecentAsync(null, null, 500);
        Assert.All(recent, c => Assert.True(c.Method is "GET" or "HEAD", c.Method));
        Assert.DoesNotContain(recent, c => c.Path.StartsWith("/transfers", StringComparison.Ordinal) && c.Method != "GET");
    }

    [Fact]
    public async Task TheAgentApiAnswersStatsDriftHistoryAndRejectsAnUnknownVerdict()
    {
        // Some shadow traffic first: counters that never counted are not exported at all.
        var (_, customer) = await _primary.CreateFundedPairAsync(1m);
        await _primary.GetAccountAsync(customer.Id);
        await WaitForComparisonsAsync($"/accounts/{customer.Id}", 1);

        var stats = await HttpJson.ReadAsync<ShadowStats>(await _agent.GetAsync("/shadow/stats"));
        Assert.Equal("ledgerapi", stats.Source);
        Assert.Equal(1.0, stats.Rate);

        await Eventually.TrueAsync(async () => (await HttpJson.ReadAsync<DriftHistory>(await _agent.GetAsync("/shadow/drift"))).Latest is not null,
            VerdictBound, "a drift validation");

        using var bad = await _agent.GetAsync("/shadow/comparisons?verdict=maybe");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var metrics = await _agent.GetStringAsync("/metrics");
        Assert.Contains("shadow_traffic_total", metrics, StringComparison.Ordinal);
        Assert.Contains("drift_detection_rate", metrics, StringComparison.Ordinal);
        Assert.Contains("shadow_dropped_total", metrics, StringComparison.Ordinal);
    }

    private async Task<ShadowComparison[]> WaitForComparisonsAsync(string pathPrefix, int atLeast, string? verdict = null)
    {
        ShadowComparison[] found = [];
        await Eventually.TrueAsync(async () =>
        {
            found = [.. await RecentAsync(verdict, pathPrefix)];
            return found.Length >= atLeast;
        }, VerdictBound, $"{atLeast} {verdict ?? "any"} comparisons of {pathPrefix}");
        return found;
    }

    private async Task<IReadOnlyList<ShadowComparison>> RecentAsync(string? verdict, string? pathPrefix, int limit = 500)
    {
        var query = verdict is null ? $"/shadow/comparisons?limit={limit}" : $"/shadow/comparisons?verdict={verdict}&limit={limit}";
        var all = await HttpJson.ReadAsync<List<ShadowComparison>>(await _agent.GetAsync(query));
        return pathPrefix is null ? all : [.. all.Where(c => c.Path.StartsWith(pathPrefix, StringComparison.Ordinal))];
    }

    private async Task<double[]> PrimaryLatenciesAsync(Guid accountId)
    {
        var samples = new double[30];
        for (var i = 0; i < samples.Length; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await _primary.Http.GetAsync($"/accounts/{accountId}");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            samples[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        Array.Sort(samples);
        return samples;
    }


    private async Task<ConnectionMultiplexer> RedisAsync() =>
        await ConnectionMultiplexer.ConnectAsync((await fixture.App.GetConnectionStringAsync("redis"))! + ",allowAdmin=true");

    private static double MetricValue(string metrics, string name) =>
        metrics.Split('\n').Where(line => line.StartsWith(name, StringComparison.Ordinal))
            .Select(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0).Max();
}

/// <summary>Collects a resource's console lines, as <c>docker logs</c> would show them.</summary>
public sealed class ResourceLogCollector : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly List<string> _lines = [];
    private readonly Task _watching;

    public ResourceLogCollector(DistributedApplication app, string resource)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var target = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);
        _watching = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in logs.WatchAsync(target).WithCancellation(_stop.Token))
                {
                    lock (_lines)
                    {
                        _lines.AddRange(batch.Select(line => line.Content));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public Task WaitForAsync(Func<string, bool> match, TimeSpan timeout) =>
        Eventually.TrueAsync(
            () =>
            {
                lock (_lines)
                {
                    return _lines.Any(match);
                }
            },
            timeout,
            () =>
            {
                lock (_lines)
                {
                    return $"No matching log line within {timeout} among {_lines.Count}; last: {string.Join(" | ", _lines.TakeLast(5))}";
                }
            });

    public void Dispose()
    {
        _stop.Cancel();
        _watching.Wait(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
