using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Dr.Failover;
using AtlasBank.Chaos.Tests.Drills.Runs;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.Chaos.Tests.Shadow;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>The AppHost's real Prometheus (the fixture scrapes and evaluates every second) against the real services.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class PrometheusTests(AtlasAppFixture fixture, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan ScrapeBound = TimeSpan.FromSeconds(30);
    private static readonly string[] ScrapedJobs = ["chaos-manager", "chaos-agent", "ledgerapi", "ledgerapi-dr"];
    private readonly PrometheusClient _prometheus = new(fixture.CreateClient("prometheus"));

    public void Dispose() => _prometheus.Dispose();

    [Fact]
    public async Task PrometheusScrapesEveryReplicaOfTheManagerTheAgentAndBothLedgersAndEveryTargetIsUp()
    {
        IReadOnlyList<PrometheusClient.Target> targets = [];
        await Eventually.TrueAsync(
            async () =>
            {
                targets = await _prometheus.ActiveTargetsAsync();
                return ScrapedJobs.All(job => targets.Count(target => target.Job == job) == fixture.ReplicaCountOf(job))
                    && targets.All(target => target.Health == "up");
            },
            ScrapeBound,
            () => Task.FromResult("every replica of every job up; saw: " + string.Join("; ", targets.Select(t => $"{t.Job} {t.ScrapeUrl} {t.Health} {t.LastError}"))));

        // Each replica at its own address, never the shared proxy that would hide the others.
        foreach (var job in ScrapedJobs)
        {
            var replicas = targets.Where(target => target.Job == job).ToList();
            Assert.All(replicas, target => Assert.EndsWith("/metrics", target.ScrapeUrl, StringComparison.Ordinal));
            Assert.Equal(replicas.Count, replicas.Select(target => target.ScrapeUrl).Distinct().Count());
            Assert.Equal(replicas.Count, replicas.Select(target => target.Replica).Where(name => name.StartsWith(job, StringComparison.Ordinal)).Distinct().Count());
        }
    }

    [Fact]
    public async Task PrometheusRunsWithEveryAlertRuleOfTheRepositoryLoaded()
    {
        var expected = ObservabilityFiles.AlertNames();
        Assert.Contains("HighDriftRate", expected);
        Assert.Contains("ChaosInjectionFailures", expected);

        var loaded = await _prometheus.RuleNamesAsync();

        Assert.Equal(expected.Order(StringComparer.Ordinal), loaded.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EveryDashboardPanelsExpressionEvaluatesAndReturnsDataAfterAShortRegionalOutageDrill()
    {
        var manager = new ChaosManagerClient(fixture.CreateClient("chaos-manager"));
        // An inject call (the spec's chaos_success_rate comes from them), then the drill: chaos, workload, a failover.
        await manager.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":1,"RetryCount":0}""");
        await manager.InjectAsync("ledger");
        await manager.DisableEverythingAsync();
        using var dr = new DrClient(fixture);
        await dr.RestoreHomeAsync();
        var runs = new DrillRunsClient(fixture.CreateManagerClient(AtlasAppFixture.OperatorKey));
        var duration = BuiltInDrillRunTests.ShortDuration("regional-outage");
        var started = await runs.StartAsync("regional-outage", $$"""{"DurationSeconds":{{duration}}}""");
        var ended = await runs.WaitForEndAsync(started.RunId, TimeSpan.FromSeconds(duration + 90));
        Assert.True(ended.State == DrillRunStates.Passed, $"{ended.State}: {ended.Reason}");

        var panels = ObservabilityFiles.PanelExpressions().ToList();
        Assert.NotEmpty(panels);
        var failing = new List<string>();
        // A few scrapes after the drill's end, every panel has its data (rates look one minute back).
        await Eventually.TrueAsync(
            async () =>
            {
                failing.Clear();
                foreach (var (dashboard, panel, expression) in panels)
                {
                    var result = await _prometheus.QueryAsync(expression);
                    if (result.Status != "success" || result.Series == 0)
                    {
                        failing.Add($"{dashboard} / {panel}: {expression} -> {result.Status} {result.Error} ({result.Series} series)");
                    }
                }

                return failing.Count == 0;
            },
            ScrapeBound,
            () => Task.FromResult($"{failing.Count} of {panels.Count} panel expressions without data:\n" + string.Join('\n', failing)));
    }

    [Fact]
    public async Task ADrRowCorruptedAndReadMakesHighDriftRatePendingInPrometheus()
    {
        var primary = new LedgerClient(fixture.CreateClient("ledgerapi"));
        var drLedger = new LedgerClient(fixture.CreateClient("ledgerapi-dr"));
        var (_, customer) = await primary.CreateFundedPairAsync(25m);
        await drLedger.WaitForBalanceAsync(customer.Id, 25m, ScrapeBound);
        // Drift an earlier test caused has left the agent's window first.
        await Eventually.TrueAsync(async () => (await _prometheus.AlertsAsync()).All(alert => alert.Name != "HighDriftRate"), ScrapeBound, "no HighDriftRate before the corruption");

        // Bypass replication: DR's copy changes as a faulty restore or a rogue write would change it.
        await DrDatabase.ExecuteAsync(fixture, $"UPDATE accounts SET balance = balance + 1 WHERE id = '{customer.Id}'");
        try
        {
            IReadOnlyList<PrometheusClient.Alert> alerts = [];
            var latency = await Eventually.TrueAsync(
                async () =>
                {
                    // Reads keep coming, as customers' would: each is shadowed and compared with DR.
                    await primary.GetAccountAsync(customer.Id);
                    alerts = await _prometheus.AlertsAsync();
                    return alerts.Any(alert => alert.Name == "HighDriftRate");
                },
                ScrapeBound,
                () => Task.FromResult("HighDriftRate in /api/v1/alerts; saw: " + string.Join(", ", alerts.Select(a => $"{a.Name} {a.State}"))));

            // Validation (1 s here) + scrape + evaluation (1 s each here): the latency a deployment scales by its intervals.
            output.WriteLine($"HighDriftRate pending {latency.TotalSeconds:0.0} s after the corruption");
            // The spec's rule holds for 5 minutes before it fires: pending, with the spec's severity, from the agents
            // (each replica reports the shared latest validation, so one alert per agent replica).
            Assert.All(alerts.Where(alert => alert.Name == "HighDriftRate"), drift =>
            {
                Assert.Equal("pending", drift.State);
                Assert.Equal("warning", drift.Labels["severity"]);
                Assert.Equal("chaos-agent", drift.Labels["job"]);
            });
        }
        finally
        {
            await DrDatabase.ExecuteAsync(fixture, $"UPDATE accounts SET balance = balance - 1 WHERE id = '{customer.Id}'");
        }
    }
}
