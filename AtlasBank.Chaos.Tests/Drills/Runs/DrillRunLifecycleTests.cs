using System.Diagnostics;
using System.Net;
using System.Text.Json;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Replicas;
using AtlasBank.Chaos.Tests.Safety;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Drills.Runs;

/// <summary>
/// A run's life against the real app: stopped from outside (abort, disable-all, its owner killed), stopped by its
/// own abort conditions (a tolerance, a tampered balance), and one run per target.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class DrillRunLifecycleTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    /// <summary>Long enough that only the test ends it.</summary>
    private const string LongRun = """{"DurationSeconds":120}""";

    private static readonly string[] AuditedLifecycle = ["StartDrillRun", "AbortDrillRun", "DrillRunEnded"];

    private static readonly TimeSpan ChaosOnTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private readonly DrillRunsClient _operator = new(fixture.CreateManagerClient(AtlasAppFixture.OperatorKey));
    private readonly List<string> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>No run of a failed test outlives it: the next test's target must be free.</summary>
    public async Task DisposeAsync()
    {
        using var admin = fixture.CreateManagerClient(AtlasAppFixture.AdminKey);
        var runs = new DrillRunsClient(admin);
        foreach (var runId in _started)
        {
            (await runs.AbortAsync(runId)).Dispose();
            await runs.WaitForEndAsync(runId, StopTimeout);
        }
    }

    [Fact]
    public async Task AnAbortMidRunEndsItAbortedWithChaosOffAndTheRollbackRecorded()
    {
        var run = await StartWithChaosOnAsync("service-latency");

        using var abort = await _operator.AbortAsync(run.RunId);
        var ended = await _operator.WaitForEndAsync(run.RunId, StopTimeout);

        Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
        Assert.Equal(DrillRunStates.Aborted, ended.State);
        Assert.Contains("'operator'", ended.Reason, StringComparison.Ordinal);
        Assert.Contains("aborted the run", ended.Reason, StringComparison.Ordinal);
        Assert.Empty(ended.EnabledServices);
        var rollback = Assert.Single(ended.Steps, step => step.Phase == "rollback" && step.Kind == "disable");
        Assert.Equal("done", rollback.Outcome);
        Assert.Contains("ledger", rollback.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain((await Chaos().ListAsync()).Experiments, experiment => experiment.Service == "ledger");

        // Start, abort and end are on the audit record, under the key that acted.
        var audit = await Chaos(AtlasAppFixture.AdminKey).WaitForAuditAsync("keyId=operator&pageSize=200",
            page => AuditedLifecycle.All(operation => page.Entries.Any(entry => entry.Operation == operation && Mentions(entry, run.RunId))),
            "the run's start, abort and end on the audit record");
        Assert.Contains(audit.Entries, entry => entry.Operation == "DrillRollbackDisableChaos" && Mentions(entry, run.RunId));
    }

    [Fact]
    public async Task AnAbortWithTheControlPlanesDatabaseFrozenStillStopsTheRunsChaosAndTheRunEndsAbortedOnceItIsBack()
    {
        var run = await StartWithChaosOnAsync("service-latency");

        var outage = await PostgresOutage.BeginAsync(fixture, "postgres-chaos", OutageKind.Frozen);
        try
        {
            using var abort = await _operator.AbortAsync(run.RunId);

            Assert.Equal(HttpStatusCode.Accepted, abort.StatusCode);
            await Eventually.TrueAsync(async () => !(await Chaos().ListAsync()).Experiments.Any(experiment => experiment.Service == "ledger"),
                TimeSpan.FromSeconds(10), "the run's chaos to go off while chaosdb is frozen");
        }
        finally
        {
            await outage.EndAsync();
        }

        var ended = await _operator.WaitForEndAsync(run.RunId, StopTimeout);
        Assert.Equal(DrillRunStates.Aborted, ended.State);
        Assert.Contains("aborted the run", ended.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOperatorsDisableAllMidRunAbortsTheRun()
    {
        var run = await StartWithChaosOnAsync("service-latency");

        using var disableAll = await _operator.Http.PostAsync("/chaos/disable-all", null).WaitAsync(AtlasAppFixture.RequestTimeout);
        var ended = await _operator.WaitForEndAsync(run.RunId, StopTimeout);

        Assert.Equal(HttpStatusCode.OK, disableAll.StatusCode);
        Assert.Equal(DrillRunStates.Aborted, ended.State);
        Assert.Contains("disabled all chaos", ended.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain((await Chaos().ListAsync()).Experiments, experiment => experiment.Service == "ledger");
    }

    [Fact]
    public async Task TheHaltMidRunAbortsTheRunAndNoDrillStartsUntilItIsLifted()
    {
        var run = await StartWithChaosOnAsync("service-latency");
        using var admin = fixture.CreateManagerClient(AtlasAppFixture.AdminKey);

        using var halt = await _operator.Http.PostAsync("/chaos/halt", null).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            var ended = await _operator.WaitForEndAsync(run.RunId, StopTimeout);
            using var refused = await _operator.PostRunAsync("nightly", """{"DurationSeconds":20}""");

            Assert.Equal(HttpStatusCode.OK, halt.StatusCode);
            Assert.Equal(DrillRunStates.Aborted, ended.State);
            Assert.Contains("the halt was engaged", ended.Reason, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("halt", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            (await admin.DeleteAsync("/chaos/halt").WaitAsync(AtlasAppFixture.RequestTimeout)).Dispose();
        }
    }

    [Fact]
    public async Task ASecondRunOnTheSameTargetIs409NamingTheRunningOne()
    {
        var first = await Start("service-latency");

        using var second = await _operator.PostRunAsync("bulk", """{"DurationSeconds":20}""");

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal("application/problem+json", second.Content.Headers.ContentType?.MediaType);
        var problem = await second.Content.ReadAsStringAsync();
        Assert.Contains(first.RunId, problem, StringComparison.Ordinal);
        Assert.Contains("'service-latency'", problem, StringComparison.Ordinal);
        Assert.Equal(first.RunId, JsonDocument.Parse(problem).RootElement.GetProperty("runningRunId").GetString());
    }

    [Fact]
    public async Task AHypothesisToleranceBelowTheInjectedDelayFailsTheRunNamingTheProbe()
    {
        var run = await Start("test-tight-latency");

        var ended = await _operator.WaitForEndAsync(run.RunId, TimeSpan.FromSeconds(60));

        Assert.Equal(DrillRunStates.Failed, ended.State);
        Assert.Contains("'transfers-p99'", ended.Reason, StringComparison.Ordinal);
        Assert.Contains("tolerance of 100 ms", ended.Reason, StringComparison.Ordinal);
        Assert.Contains(ended.Checks, check => check.Probe == "transfers-p99" && check.Outcome == DrillCheckPhases.Violated);
        Assert.DoesNotContain((await Chaos().ListAsync()).Experiments, experiment => experiment.Service == "ledger");

        // The run is counted by its verdict, no longer running, and its workload's requests by outcome.
        // The replica that owned the run counted it: every replica's metrics, as Prometheus sums them.
        var metrics = await new ReplicaMetrics(fixture).SummedAsync();
        Assert.Matches("""drill_runs_total\{[^}]*drill="test-tight-latency"[^}]*verdict="failed"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""drill_running\{[^}]*drill="test-tight-latency"[^}]*\} 0""", metrics);
        Assert.Matches("""drill_workload_requests_total\{[^}]*outcome="acknowledged"[^}]*\} [1-9]""", metrics);
        // ...and their latency in seconds, as a histogram: the injected 500 ms lies above the 0.25 s bucket.
        var count = PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_count", "outcome=acknowledged");
        Assert.True(count >= 1, metrics);
        Assert.True(PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_sum", "outcome=acknowledged") > 0.5);
        Assert.Equal(count, PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_bucket", "outcome=acknowledged", "le=+Inf"));
        Assert.True(PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_bucket", "outcome=acknowledged", "le=0.25") < count);
        Assert.NotNull(PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_bucket", "outcome=acknowledged", "le=0.001"));
        Assert.NotNull(PrometheusText.Value(metrics, "drill_workload_request_duration_seconds_bucket", "outcome=acknowledged", "le=10"));
    }

    [Fact]
    public async Task ABalanceTamperedInThePrimaryDatabaseMidRunFailsItNamingConservationAndTheAccount()
    {
        var run = await Start("service-latency");
        var report = await WaitForAsync(async () => await _operator.ReportAsync(run.RunId) is { Workload.AccountIds.Count: > 0 } withAccounts ? withAccounts : null,
            "the run's workload to open its accounts");
        var account = report.Workload!.AccountIds[0];

        await using var ledger = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("ledgerdb"));
        await ledger.OpenAsync();
        await SetBalanceOffsetAsync(ledger, account, +1.00m);
        try
        {
            var ended = await _operator.WaitForEndAsync(run.RunId, StopTimeout);

            Assert.Equal(DrillRunStates.Failed, ended.State);
            Assert.Contains("conservation", ended.Reason, StringComparison.Ordinal);
            Assert.Contains(account.ToString(), ended.Reason, StringComparison.Ordinal);
            var violated = (await _operator.ReportAsync(run.RunId)).Invariants.Where(invariant => !invariant.Holds).ToArray();
            Assert.Contains(violated, invariant => invariant.Invariant == "conservation" && invariant.Accounts.Contains(account));
            Assert.Contains(violated, invariant => invariant.Invariant == "entries-equal-balances" && invariant.Accounts.Contains(account));
            Assert.Matches("""drill_invariant_violations_total\{[^}]*invariant="conservation"[^}]*\} [1-9]""",
                await new ReplicaMetrics(fixture).SummedAsync());
        }
        finally
        {
            await SetBalanceOffsetAsync(ledger, account, -1.00m);
        }
    }

    [Fact]
    public async Task KillingTheOwningReplicaMidRunMovesTheRunToTheOtherReplicaWhichRollsItBackWithin30Seconds()
    {
        var run = await StartWithChaosOnAsync("service-latency");
        // The owner names its replica as Aspire does (X-Served-By): chaos-manager-{suffix}/{pid}/{random}.
        var owner = run.Owner.Split('/')[0];
        var replicas = await fixture.ReplicasAsync("chaos-manager");
        Assert.Contains(owner, replicas.Select(replica => replica.Name));
        // Asked at its own address: the proxy may still hand a request to the dead replica for a moment.
        var survivor = replicas.First(replica => replica.Name != owner).Address;
        var survivorRuns = new DrillRunsClient(AtlasAppFixture.CreateReplicaClient(survivor, AtlasAppFixture.OperatorKey));
        var survivorChaos = new ChaosManagerClient(AtlasAppFixture.CreateReplicaClient(survivor, AtlasAppFixture.AdminKey));

        ReplicaProcess.Kill(fixture, owner);
        var killed = Stopwatch.StartNew();
        try
        {
            // No restart: the other replica, still running, finds the lease lapsed and takes the run over.
            var ended = await survivorRuns.WaitForEndAsync(run.RunId, TimeSpan.FromSeconds(30));
            var chaosOffWithin = killed.Elapsed;

            Assert.Equal(DrillRunStates.Aborted, ended.State);
            Assert.Contains("stopped renewing its lease", ended.Reason, StringComparison.Ordinal);
            Assert.StartsWith("chaos-manager-", ended.Owner, StringComparison.Ordinal);
            Assert.NotEqual(owner, ended.Owner.Split('/')[0]);
            Assert.Contains(ended.Steps, step => step.Phase == "rollback" && step.Kind == "disable" && step.Outcome == "done");
            Assert.DoesNotContain((await survivorChaos.ListAsync()).Experiments, experiment => experiment.Service == "ledger");
            Assert.True(chaosOffWithin < TimeSpan.FromSeconds(30), $"rolled back {chaosOffWithin.TotalSeconds:0.0} s after the kill");
        }
        finally
        {
            // The suite goes on with both replicas.
            await ReplicaProcess.RestartAsync(fixture, "chaos-manager", owner);
        }
    }

    [Theory]
    [InlineData("""{"DurationSeconds":-1}""", "DurationSeconds")]
    [InlineData("""{"DurationSeconds":86400}""", "DurationSeconds")]
    [InlineData("""{"RatePerSecond":0}""", "RatePerSecond")]
    [InlineData("""{"DurationSeconds":20,"Bogus":1}""", "Bogus")]
    [InlineData("""{"DurationSeconds":"twenty"}""", "DurationSeconds")]
    public async Task ABadOverrideIs400NamingTheFieldAndStartsNothing(string body, string field)
    {
        var before = await RunCountAsync();

        using var response = await _operator.PostRunAsync("nightly", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains(problem.GetProperty("errors").EnumerateObject(), error => error.Name.Contains(field, StringComparison.Ordinal));
        Assert.Equal(before, await RunCountAsync());
    }

    [Fact]
    public async Task RunningAnUnknownDrillIs404AndAViewerMayNotRunOne()
    {
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);

        using var unknown = await _operator.PostRunAsync("no-such-drill");
        using var refused = await viewer.PostAsync("/drills/nightly/runs", null).WaitAsync(AtlasAppFixture.RequestTimeout);
        using var missingRun = await _operator.Http.GetAsync("/drills/runs/run-nope").WaitAsync(AtlasAppFixture.RequestTimeout);

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingRun.StatusCode);
    }

    private async Task<DrillRun> Start(string drill, string body = LongRun)
    {
        var run = await _operator.StartAsync(drill, body);
        _started.Add(run.RunId);
        return run;
    }

    /// <summary>Starts the drill and waits until its chaos is on (its enable step ran).</summary>
    private async Task<DrillRun> StartWithChaosOnAsync(string drill)
    {
        var run = await Start(drill);
        return await _operator.WaitUntilAsync(run.RunId, seen => seen.EnabledServices.Count > 0, ChaosOnTimeout, "to turn its chaos on");
    }

    private async Task<int> RunCountAsync() =>
        (await HttpJson.ReadAsync<DrillRunList>(await _operator.Http.GetAsync($"/drills/runs?limit={DrillRunsApi.MaxLimit}").WaitAsync(AtlasAppFixture.RequestTimeout))).Count;

    private ChaosManagerClient Chaos(string key = AtlasAppFixture.OperatorKey) => new(fixture.CreateManagerClient(key));

    private static bool Mentions(AuditEntry entry, string runId) =>
        (entry.Detail?.Contains(runId, StringComparison.Ordinal) ?? false) || (entry.RequestBody?.Contains(runId, StringComparison.Ordinal) ?? false)
        || entry.Operation is "StartDrillRun" or "AbortDrillRun";

    private static async Task SetBalanceOffsetAsync(NpgsqlConnection ledger, Guid account, decimal offset)
    {
        await using var command = new NpgsqlCommand("UPDATE accounts SET balance = balance + $1 WHERE id = $2", ledger);
        command.Parameters.Add(new() { Value = offset });
        command.Parameters.Add(new() { Value = account });
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> read, string what) where T : class
    {
        T? value = null;
        await Eventually.TrueAsync(async () => (value = await read()) is not null, ChaosOnTimeout, what);
        return value!;
    }
}
