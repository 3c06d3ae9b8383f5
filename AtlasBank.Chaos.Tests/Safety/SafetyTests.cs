using System.Net;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Replicas;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.Tests.Safety;

/// <summary>What stops chaos: the circuit breaker, the emergency stop, the halt and the lease.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class SafetyTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    [Fact]
    public async Task AnExperimentFailingOnItsOwnIsAutoDisabledAndAudited()
    {
        var experiment = await Admin.EnableAsync("""{"Service":"flaky","Mode":"failure","FailureRate":0.0,"RetryCount":0,"TargetUrl":"http://localhost:1/health"}""");
        // Exactly the breaker's minimum: it may fire once the last of these is counted, so a further probe
        // would race it (and find the experiment gone).
        for (var i = 0; i < new AutoDisableOptions().MinimumCalls; i++)
        {
            Assert.False((await Admin.InjectAsync("flaky")).Success);
        }

        await Eventually.TrueAsync(async () => (await Admin.ListAsync()).Count == 0, TimeSpan.FromSeconds(30), "the circuit breaker to disable 'flaky'");
        bool ThisAutoDisable(AtlasBank.Chaos.Manager.Audit.AuditEntry entry) =>
            entry.Operation == "AutoDisable" && entry.RequestBody?.Contains(experiment.ExperimentId, StringComparison.Ordinal) == true;
        var audit = await Admin.WaitForAuditAsync("service=flaky&pageSize=50", page => page.Entries.Any(ThisAutoDisable), "the auto-disable on record");
        var entry = Assert.Single(audit.Entries, ThisAutoDisable);
        Assert.Equal("system", entry.KeyId);
        Assert.Contains("failed on their own", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeliberateTotalOutageIsNotAutoDisabled()
    {
        await Admin.EnableAsync("""{"Service":"ledger-region-a","Mode":"failure","FailureRate":1.0,"RetryCount":0,"TargetUrl":"http://ledgerapi/health"}""");
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(1, (await Admin.InjectAsync("ledger-region-a")).InjectedFaults);
        }

        // Proof that the breaker looked (twice, with all 25 calls in its window) rather than time passing.
        var seen = await EvaluationsAsync("ledger-region-a");
        await Eventually.TrueAsync(async () => await EvaluationsAsync("ledger-region-a") >= seen + 2, TimeSpan.FromSeconds(30),
            "two circuit-breaker rounds over the deliberate outage");
        Assert.Equal(["ledger-region-a"], (await Admin.ListAsync()).Experiments.Select(e => e.Service));
    }

    [Fact]
    public async Task ALatencyExperimentLongerThanTheCallersAttemptTimeoutIsNotAutoDisabled()
    {
        // Every call times out inside the injected delay: a chaos effect, not an organic failure.
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(Fixture, ServiceDefaultsClientHost.QuickResyncInterval, chaosEnabled: true,
            resilience =>
            {
                resilience.AttemptTimeout.Timeout = TimeSpan.FromMilliseconds(200);
                resilience.Retry.MaxRetryAttempts = 1;
            });
        using var client = otherProcess.CreateClient();
        await Admin.EnableAsync("""{"Service":"slowdrill","Mode":"latency","DelayMs":2000,"TargetUrl":"http://ledgerapi/alive"}""");
        await Eventually.TrueAsync(() => Task.FromResult(otherProcess.ChaosView.Match(new Uri("http://ledgerapi/alive")) is not null),
            TimeSpan.FromSeconds(10), "the other process to see the experiment");

        var calls = await Task.WhenAll(Enumerable.Range(0, 15).Select(async _ =>
        {
            try
            {
                using var response = await client.GetAsync("http://ledgerapi/alive");
                return response.StatusCode.ToString();
            }
            catch (Exception ex) when (ex is Polly.Timeout.TimeoutRejectedException or TaskCanceledException)
            {
                return "timeout";
            }
        })).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(calls, outcome => Assert.Equal("timeout", outcome));

        // 15 calls of 2 attempts reach Redis as 30 calls (over the breaker's minimum of 20), none of them a failure.
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await Fixture.App.GetConnectionStringAsync("redis") ?? "");
        (long Calls, long Failures) health = default;
        await Eventually.TrueAsync(async () => (health = await HealthAsync(redis, "slowdrill")).Calls >= 30, TimeSpan.FromSeconds(10), "the calls to reach Redis");
        Assert.Equal(0, health.Failures);
        var seen = await EvaluationsAsync("slowdrill");
        await Eventually.TrueAsync(async () => await EvaluationsAsync("slowdrill") >= seen + 2, TimeSpan.FromSeconds(30),
            "two circuit-breaker rounds over the slow drill");
        Assert.Contains("slowdrill", (await Admin.ListAsync()).Experiments.Select(e => e.Service));
    }

    [Fact]
    public async Task DisableAllStopsInjectionInAnotherProcessWithinOneSecond()
    {
        // Production's resync interval (5 s): only the change message can stop it within a second.
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(Fixture, new ChaosOptions().ResyncInterval, chaosEnabled: true);
        using var client = otherProcess.CreateClient();
        var stops = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            await Admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "chaos to start");

            using var disableAll = await Admin.PostAsync("/chaos/disable-all", "");
            Assert.Equal(HttpStatusCode.OK, disableAll.StatusCode);
            var stopped = await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "injection to stop");
            stops.Add(stopped.TotalMilliseconds);
        }

        Assert.True(stops.Max() < 1000, $"disable-all to clean calls: max {stops.Max():0} ms");
    }

    [Fact]
    public async Task TheDashboardsDisableAllButtonStopsEverything()
    {
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        var manager = Fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "chaos-manager");
        var button = manager.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.DisplayName == "Disable all chaos");

        // Each replica has the button in the dashboard: the first one's is pressed.
        var replica = (await Fixture.ReplicasAsync("chaos-manager"))[0].Name;
        var result = await Fixture.App.ResourceCommands.ExecuteCommandAsync(replica, button.Name).WaitAsync(AtlasAppFixture.RequestTimeout);

        Assert.True(result.Success, result.Message);
        Assert.Equal(0, (await Admin.ListAsync()).Count);
    }

    [Fact]
    public async Task TheHaltBlocksEnablesUntilAnAdminLiftsIt()
    {
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        using var op = Fixture.CreateManagerClient(AtlasAppFixture.OperatorKey);

        using (var engage = await ChaosManagerClient.SendAsync(op, "POST", "/chaos/halt", """{"Reason":"incident 4711"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, engage.StatusCode);
        }

        Assert.Equal(0, (await Admin.ListAsync()).Count);
        using (var enable = await ChaosManagerClient.SendAsync(op, "POST", "/chaos/enable", """{"Service":"ledger","Mode":"latency","DelayMs":5}"""))
        using (var bulk = await ChaosManagerClient.SendAsync(op, "POST", "/chaos/bulk-enable", """[{"Service":"ledger","Mode":"latency","DelayMs":5}]"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, enable.StatusCode);
            Assert.Contains("incident 4711", await enable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, bulk.StatusCode);
        }

        using (var operatorLift = await op.DeleteAsync("/chaos/halt"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, operatorLift.StatusCode);
        }

        using (var adminLift = await Admin.Http.DeleteAsync("/chaos/halt"))
        {
            Assert.Equal(HttpStatusCode.OK, adminLift.StatusCode);
        }

        await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
    }

    [Fact]
    public async Task ChaosEndsWhenItsLeaseRunsOutEvenWithTheManagerStopped()
    {
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(Fixture);
        using var client = otherProcess.CreateClient();
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"DurationSeconds":4}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "chaos to start");

        // Every replica killed: no manager is left to disable anything.
        var replicas = await Fixture.ReplicasAsync("chaos-manager");
        foreach (var (replica, _) in replicas)
        {
            ReplicaProcess.Kill(Fixture, replica);
        }

        try
        {
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "the lease to end chaos without the manager");
        }
        finally
        {
            await ReplicaProcess.RestartAsync(Fixture, "chaos-manager", [.. replicas.Select(replica => replica.Name)]);
        }
    }

    /// <summary>Calls and organic failures the services reported for a chaos target, over every bucket Redis keeps.</summary>
    private static async Task<(long Calls, long Failures)> HealthAsync(StackExchange.Redis.ConnectionMultiplexer redis, string service)
    {
        var database = redis.GetDatabase();
        long calls = 0, failures = 0;
        foreach (var key in redis.GetServers()[0].Keys(pattern: $"chaos:health:{service}:*"))
        {
            calls += (long)(await database.HashGetAsync(key, "calls"));
            failures += (long)(await database.HashGetAsync(key, "failures"));
        }

        return (calls, failures);
    }

    /// <summary>How often the circuit breaker has weighed the service's experiment (<c>chaos_auto_disable_evaluations_total</c>).</summary>
    private async Task<long> EvaluationsAsync(string service)
    {
        var metrics = await new ReplicaMetrics(Fixture).SummedAsync();
        var match = System.Text.RegularExpressions.Regex.Match(metrics,
            $$"""chaos_auto_disable_evaluations_total\{[^}]*service="{{service}}"[^}]*\} (\d+)""");
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("http://ledgerapi/health");
        return response.StatusCode;
    }
}
