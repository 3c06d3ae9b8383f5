using System.Globalization;
using System.Net;
using System.Text.Json;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.Manager.Safety;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// What the manager's <c>/metrics</c> tells an SRE and the alert rules: injections and the failures the targets caused
/// themselves, the kill switch, the halt and the active experiments, each series there from zero before its first event.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosObservabilityTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    /// <summary>The refresher re-reads Redis every StatsRefreshInterval (15 s by default); this replica shows its own changes at once.</summary>
    private static readonly TimeSpan SharedStateBound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task MetricsUseTheSpecsNamesWithServiceAndModeLabels()
    {
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"RetryCount":0}""");
        var result = await Admin.InjectAsync("ledger");
        Assert.False(result.Success);
        var stats = await Admin.StatsAsync();

        var metrics = await MetricsAsync();

        Assert.True(PrometheusText.Value(metrics, "chaos_injections_total", "service=ledger", "mode=failure") >= 1, metrics);
        Assert.NotNull(PrometheusText.Value(metrics, "chaos_injections_failed_total", "service=ledger", "mode=failure"));
        Assert.NotNull(PrometheusText.Value(metrics, "chaos_success_rate", "service=ledger", "mode=failure"));
        var ledger = stats.Services.Single(s => s.Service == "ledger");
        Assert.Equal((double)ledger.Successes / ledger.Injections, ledger.SuccessRate, 3);
        Assert.True(stats.Total.Injections >= ledger.Injections);
    }

    [Fact]
    public async Task AFailureRateOneInjectGrowsTheInjectionsButNotTheFailedInjections()
    {
        // A service no other test injects into, so its counters start here.
        await Admin.EnableAsync("""{"Service":"observed-injected","Mode":"failure","FailureRate":1.0,"RetryCount":2}""");

        var result = await Admin.InjectAsync("observed-injected");

        Assert.False(result.Success);
        Assert.Equal(3, result.InjectedFaults);
        var metrics = await MetricsAsync();
        Assert.Equal(1, PrometheusText.Value(metrics, "chaos_injections_total", "service=observed-injected", "mode=failure"));
        Assert.Equal(0, PrometheusText.Value(metrics, "chaos_injections_failed_total", "service=observed-injected", "mode=failure") ?? 0);
    }

    [Fact]
    public async Task AnInjectWhoseTargetRefusesTheConnectionCountsAsAFailedInjection()
    {
        await Admin.EnableAsync("""{"Service":"observed-refused","Mode":"failure","FailureRate":0.0,"RetryCount":0,"TargetUrl":"http://localhost:1/health"}""");

        var result = await Admin.InjectAsync("observed-refused");

        Assert.False(result.Success);
        Assert.Equal(0, result.InjectedFaults);
        var metrics = await MetricsAsync();
        Assert.Equal(1, PrometheusText.Value(metrics, "chaos_injections_total", "service=observed-refused", "mode=failure"));
        Assert.Equal(1, PrometheusText.Value(metrics, "chaos_injections_failed_total", "service=observed-refused", "mode=failure"));
    }

    [Fact]
    public async Task CountersAnAlertWatchesAreOnMetricsFromZeroForEveryKnownLabelSet()
    {
        var catalog = await HttpJson.ReadAsync<JsonElement>(await Admin.Http.GetAsync("/drills"));
        var drills = catalog.EnumerateArray().Select(drill => drill.GetProperty("Name").GetString()!).ToArray();

        var metrics = await MetricsAsync();

        Assert.NotEmpty(drills);
        foreach (var service in new[] { "ledger", "ledger-dr", "ledger-region-a", "ledger-region-b", "payments" })
        {
            foreach (var mode in ChaosManagerMetrics.Modes)
            {
                Assert.NotNull(PrometheusText.Value(metrics, "chaos_injections_total", $"service={service}", $"mode={mode}"));
                Assert.NotNull(PrometheusText.Value(metrics, "chaos_injections_failed_total", $"service={service}", $"mode={mode}"));
            }

            Assert.NotNull(PrometheusText.Value(metrics, "chaos_auto_disabled_total", $"service={service}"));
        }

        foreach (var action in KillSwitchActions.All)
        {
            Assert.NotNull(PrometheusText.Value(metrics, "chaos_kill_switch_total", $"action={action}"));
        }

        foreach (var drill in drills)
        {
            foreach (var verdict in DrillRunStates.Verdicts)
            {
                Assert.NotNull(PrometheusText.Value(metrics, "drill_runs_total", $"drill={drill}", $"verdict={verdict}"));
            }
        }

        foreach (var outcome in WorkloadOutcomes.All)
        {
            Assert.NotNull(PrometheusText.Value(metrics, "drill_workload_requests_total", $"outcome={outcome}"));
        }

        Assert.NotNull(PrometheusText.Value(metrics, "dr_failover_total", "kind=failover", "from=region-a", "to=region-b", "outcome=completed"));
        Assert.NotNull(PrometheusText.Value(metrics, "dr_failover_total", "kind=failback", "from=region-b", "to=region-a", "outcome=failed"));
        Assert.NotNull(PrometheusText.Value(metrics, "chaos_halted"));
    }

    [Theory]
    [InlineData("/chaos/disable-all", KillSwitchActions.DisableAll)]
    [InlineData("/chaos/halt", KillSwitchActions.Halt)]
    public async Task EachUseOfTheKillSwitchCountsOnceByAction(string path, string action)
    {
        var stopper = new ChaosManagerClient(Fixture.CreateManagerClient(AtlasAppFixture.OperatorKey));
        var before = PrometheusText.Value(await MetricsAsync(), "chaos_kill_switch_total", $"action={action}");
        Assert.NotNull(before);

        for (var use = 1; use <= 2; use++)
        {
            using (var response = await stopper.PostAsync(path, string.Empty))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            Assert.Equal(before + use, PrometheusText.Value(await MetricsAsync(), "chaos_kill_switch_total", $"action={action}"));
        }
    }

    [Fact]
    public async Task ChaosHaltedIsOneWhileTheHaltIsEngagedAndZeroOnceItIsLifted()
    {
        await WaitForMetricAsync("chaos_halted", [], 0);
        try
        {
            using (var halt = await Admin.PostAsync("/chaos/halt", """{"Reason":"metrics test"}"""))
            {
                Assert.Equal(HttpStatusCode.OK, halt.StatusCode);
            }

            await WaitForMetricAsync("chaos_halted", [], 1);
        }
        finally
        {
            using var lift = await Admin.Http.DeleteAsync("/chaos/halt");
        }

        await WaitForMetricAsync("chaos_halted", [], 0);
    }

    [Fact]
    public async Task AnEnabledExperimentIsActiveOnMetricsByServiceAndModeUntilItIsDisabled()
    {
        string[] payments = ["service=payments", "mode=latency"];
        await Admin.EnableAsync("""{"Service":"payments","Mode":"latency","DelayMs":5}""");

        await WaitForMetricAsync("chaos_experiment_active", payments, 1);

        using (var disable = await Admin.PostAsync("/chaos/disable", "\"payments\""))
        {
            Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        }

        await WaitForMetricAsync("chaos_experiment_active", payments, null);
    }

    /// <summary>Every manager replica's counters, summed as Prometheus sums them.</summary>
    private Task<string> MetricsAsync() => new ReplicaMetrics(Fixture).SummedAsync();

    /// <summary>Waits until every replica reports <paramref name="expected"/> for a gauge of shared state (null: until it is gone).</summary>
    private async Task WaitForMetricAsync(string name, string[] labels, double? expected)
    {
        IReadOnlyList<double?> last = [];
        await Eventually.TrueAsync(
            async () => (last = await new ReplicaMetrics(Fixture).OnEachAsync(name, labels)).All(value => value == expected),
            SharedStateBound,
            () => Task.FromResult($"Not within {SharedStateBound}: {name}{{{string.Join(",", labels)}}} {expected?.ToString(CultureInfo.InvariantCulture) ?? "gone"} on every replica; last seen {string.Join(", ", last.Select(value => value?.ToString(CultureInfo.InvariantCulture) ?? "none"))}"));
    }
}
