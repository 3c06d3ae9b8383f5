using System.Net;
using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.ServiceDefaults.Replicas;
using AtlasBank.Chaos.Tests.Chaos;

namespace AtlasBank.Chaos.Tests.Replicas;

/// <summary>
/// The control plane as deployed: two chaos-manager and two chaos-agent replicas behind one address each. Each test
/// talks to the replicas at their own addresses, and every response names the replica that answered.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ManagerReplicaTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    private static readonly TimeSpan SharedStateBound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task EveryResponseNamesTheReplicaThatAnsweredAndTheSharedAddressReachesBoth()
    {
        var replicas = await Fixture.ReplicasAsync("chaos-manager");
        Assert.Equal(2, replicas.Count);
        foreach (var (name, address) in replicas)
        {
            using var client = AtlasAppFixture.CreateReplicaClient(address, AtlasAppFixture.ViewerKey);
            using var response = await client.GetAsync("/chaos/list");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(name, Assert.Single(response.Headers.GetValues(ServiceInstance.Header)));
        }

        // Through the one address users have, new connections land on both.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using var shared = Fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);
        for (var i = 0; i < 40 && seen.Count < replicas.Count; i++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/chaos/list");
            request.Headers.ConnectionClose = true;
            using var response = await shared.SendAsync(request);
            seen.Add(Assert.Single(response.Headers.GetValues(ServiceInstance.Header)));
        }

        Assert.Equal(replicas.Select(replica => replica.Name).Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task StatisticsAgreeOnBothReplicasWhicheverServedTheInjects()
    {
        var (first, second) = await ManagersAsync(AtlasAppFixture.AdminKey);
        await first.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":1,"RetryCount":0}""");
        var before = Injections(await first.StatsAsync());

        for (var i = 0; i < 3; i++)
        {
            await first.InjectAsync("ledger");
        }

        for (var i = 0; i < 2; i++)
        {
            await second.InjectAsync("ledger");
        }

        Assert.Equal(before + 5, Injections(await first.StatsAsync()));
        Assert.Equal(before + 5, Injections(await second.StatsAsync()));
        Assert.Equal((await first.StatsAsync()).Services.Single(s => s.Service == "ledger"), (await second.StatsAsync()).Services.Single(s => s.Service == "ledger"));
    }

    [Fact]
    public async Task AutoDisableFiresOnceAcrossBothReplicasWithOneAuditRowAndOneCount()
    {
        var (first, second) = await ManagersAsync(AtlasAppFixture.AdminKey);
        var metrics = new ReplicaMetrics(Fixture);
        var countedBefore = AutoDisabled(await metrics.SummedAsync());
        var experiment = await first.EnableAsync("""{"Service":"flaky-replicated","Mode":"failure","FailureRate":0.0,"RetryCount":0,"TargetUrl":"http://localhost:1/health"}""");
        // A healthy experiment the breaker weighs every round and never disables: the rounds' clock.
        await second.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":1,"RetryCount":0}""");

        // Exactly the breaker's minimum, half through each replica: both replicas' monitors weigh the same shared counts.
        for (var i = 0; i < new AutoDisableOptions().MinimumCalls; i++)
        {
            Assert.False((await (i % 2 == 0 ? first : second).InjectAsync("flaky-replicated")).Success);
        }

        await Eventually.TrueAsync(async () => (await second.ListAsync()).Experiments.All(e => e.Service != "flaky-replicated"), SharedStateBound, "the circuit breaker to disable 'flaky-replicated'");
        Assert.Equal(["ledger"], (await first.ListAsync()).Experiments.Select(e => e.Service));
        // Both replicas' monitors tick every second: two more rounds, and a second disable would have happened.
        var rounds = Evaluations(await metrics.SummedAsync());
        await Eventually.TrueAsync(async () => Evaluations(await metrics.SummedAsync()) >= rounds + 2, SharedStateBound, "two more circuit-breaker rounds");

        var audit = await first.WaitForAuditAsync("service=flaky-replicated&pageSize=50",
            page => page.Entries.Any(e => e.Operation == "AutoDisable" && e.RequestBody?.Contains(experiment.ExperimentId, StringComparison.Ordinal) == true), "the auto-disable on record");
        Assert.Single(audit.Entries, e => e.Operation == "AutoDisable" && e.RequestBody?.Contains(experiment.ExperimentId, StringComparison.Ordinal) == true);
        Assert.Equal(countedBefore + 1, AutoDisabled(await metrics.SummedAsync()));
    }

    [Fact]
    public async Task DriftValidationRunsOncePerIntervalWhicheverAgentReplicaTakesTheTurn()
    {
        var agents = (await Fixture.ReplicasAsync("chaos-agent")).Select(replica => replica.Name).ToList();
        Assert.Equal(2, agents.Count);
        using var agent = Fixture.CreateClient("chaos-agent");
        // The suite validates every second: wait for 12 rounds after now, then look at them.
        var since = DateTimeOffset.UtcNow;
        List<DriftReport> rounds = [];
        await Eventually.TrueAsync(
            async () => (rounds = [.. (await HttpJson.ReadAsync<DriftHistory>(await agent.GetAsync("/shadow/drift?limit=100"))).History
                .Where(report => report.At > since).OrderBy(report => report.At)]).Count >= 12,
            SharedStateBound, "12 drift validation rounds");

        Assert.All(rounds, round => Assert.Contains(round.ValidatedBy, agents));
        // One turn per interval (a lease of 0.9 intervals): two replicas validating the same interval would put
        // one pair of rounds less than half an interval apart, whatever the replicas' timer phases.
        var gaps = rounds.Zip(rounds.Skip(1), (earlier, later) => (later.At - earlier.At).TotalSeconds).ToList();
        Assert.True(gaps.Min() >= 0.5, $"rounds {string.Join(", ", gaps.Select(gap => gap.ToString("0.000", System.Globalization.CultureInfo.InvariantCulture)))} s apart");
    }

    [Fact]
    public async Task TheKillSwitchOnEitherReplicaStopsChaosEnabledThroughTheOther()
    {
        var (first, second) = await ManagersAsync(AtlasAppFixture.AdminKey);
        var (firstOperator, secondOperator) = await ManagersAsync(AtlasAppFixture.OperatorKey);

        await first.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        using (var stop = await secondOperator.PostAsync("/chaos/disable-all", string.Empty))
        {
            Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        }

        Assert.Equal(0, (await first.ListAsync()).Count);

        await second.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        using (var halt = await firstOperator.PostAsync("/chaos/halt", """{"Reason":"replica test"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, halt.StatusCode);
        }

        Assert.Equal(0, (await second.ListAsync()).Count);
        using var refused = await second.PostAsync("/chaos/enable", """{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task AKeysRateLimitHoldsAcrossBothReplicas()
    {
        var (first, second) = await ManagersAsync(AtlasAppFixture.ReplicaLimitedKey);
        var statuses = new List<HttpStatusCode>();
        foreach (var manager in new[] { first, second, first, second })
        {
            using var response = await manager.PostAsync("/chaos/disable", "\"no-such-service\"");
            statuses.Add(response.StatusCode);
        }

        // Two changes a minute for the key, whichever replica counts them: per-replica budgets would allow four.
        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
    }

    private async Task<(ChaosManagerClient First, ChaosManagerClient Second)> ManagersAsync(string apiKey)
    {
        var replicas = await Fixture.ReplicasAsync("chaos-manager");
        return (new ChaosManagerClient(AtlasAppFixture.CreateReplicaClient(replicas[0].Address, apiKey)),
            new ChaosManagerClient(AtlasAppFixture.CreateReplicaClient(replicas[1].Address, apiKey)));
    }

    private static long Injections(ChaosStatsResponse stats) =>
        stats.Services.SingleOrDefault(service => service.Service == "ledger")?.Injections ?? 0;

    private static double AutoDisabled(string metrics) => PrometheusText.Value(metrics, "chaos_auto_disabled_total", "service=flaky-replicated") ?? 0;

    private static double Evaluations(string metrics) => PrometheusText.Value(metrics, "chaos_auto_disable_evaluations_total", "service=ledger") ?? 0;
}
