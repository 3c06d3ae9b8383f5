using System.Globalization;
using System.Net;
using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Tests.Ledger;
using AtlasBank.LedgerDr.Dr;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>Broken replication is an alarm on DR and in the agent, not a quiet <c>lag</c>; a row DR lacks is drift.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class BrokenReplicationTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    // DR polls every 5 s and the agent validates every second (fixture): a few intervals each, on a shared box.
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));
    private readonly LedgerClient _dr = new(fixture.CreateClient("ledgerapi-dr"));
    private readonly HttpClient _agent = fixture.CreateClient("chaos-agent");

    public Task InitializeAsync() => new Chaos.ChaosManagerClient(fixture.CreateClient("chaos-manager")).DisableEverythingAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DisabledReplicationWhileThePrimaryWritesIsUnhealthyOnDrAndAnAgentAlertUntilReEnabled()
    {
        var (funding, customer) = await _primary.CreateFundedPairAsync(100m);
        await _dr.WaitForBalanceAsync(customer.Id, 100m, Bound);
        await WaitForDrGaugeAsync(1, "healthy replication before the test");
        using var logs = new ResourceLogCollector(fixture.App, "chaos-agent");

        await ExecuteOnDrAsync("ALTER SUBSCRIPTION ledger_dr_sub DISABLE");
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                using var transfer = await _primary.PostTransferAsync(funding.Id, customer.Id, 1m);
                Assert.Equal(HttpStatusCode.Created, transfer.StatusCode);
                await _primary.GetAccountAsync(customer.Id);
            }

            await WaitForDrGaugeAsync(0, "dr_replication_healthy 0 with the subscription disabled");
            var status = await DrStatusAsync();
            Assert.False(status.Healthy);
            Assert.Equal("subscription disabled", status.UnhealthyReason);
            Assert.False(status.SubscriptionEnabled);

            await WaitForLatestReportAsync(r => r.ReplicationAlert && r.ReplicationHealthy == false, "ReplicationAlert in /shadow/drift");
            var report = (await DriftAsync()).Latest!;
            Assert.Contains("subscription disabled", report.ReplicationAlertReason, StringComparison.Ordinal);
            await logs.WaitForAsync(line => line.Contains("📊", StringComparison.Ordinal) && line.Contains("Replication alert", StringComparison.Ordinal)
                && line.Contains("subscription disabled", StringComparison.Ordinal), Bound);
        }
        finally
        {
            await ExecuteOnDrAsync("ALTER SUBSCRIPTION ledger_dr_sub ENABLE");
        }

        await _dr.WaitForBalanceAsync(customer.Id, 103m, Bound);
        await WaitForDrGaugeAsync(1, "dr_replication_healthy 1 once re-enabled");
        Assert.True((await DrStatusAsync()).Healthy);
        // The window (10 s in the fixture) still holds the lag verdicts of the pause until they age out.
        await WaitForLatestReportAsync(r => !r.ReplicationAlert && r.ReplicationHealthy == true, "the replication alert to clear");
    }

    [Fact]
    public async Task ARowMissingOnDrWithReplicationCaughtUpIsDriftAndDifferentStatusesNeverMatch()
    {
        var account = await _primary.CreateAccountAsync($"vanishing-{Guid.NewGuid():N}");
        await Eventually.TrueAsync(async () => await _dr.GetAccountAsync(account.Id) is not null, Bound, "the account on DR");
        var row = await QueryOnDrAsync("SELECT row_to_json(a)::text FROM accounts a WHERE id = $1", account.Id);

        // A row lost on DR alone (a faulty restore, a rogue delete) while replication keeps streaming.
        await ExecuteOnDrAsync("DELETE FROM accounts WHERE id = $1", account.Id);
        try
        {
            using (var response = await _primary.Http.GetAsync($"/accounts/{account.Id}"))
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }

            var path = $"/accounts/{account.Id}";
            ShadowComparison? drift = null;
            await Eventually.TrueAsync(async () => (drift = (await RecentAsync(Verdicts.Drift, path)) is [var first, ..] ? first : null) is not null, Bound, $"a drift of {path}");
            Assert.Equal(200, drift!.PrimaryStatus);
            Assert.Equal(404, drift.DrStatus);
            Assert.Contains(drift.Differences, d => d.Path == "status");
            Assert.DoesNotContain(await RecentAsync(Verdicts.Match, path), c => c.PrimaryStatus != c.DrStatus);
        }
        finally
        {
            await ExecuteOnDrAsync("INSERT INTO accounts SELECT * FROM json_populate_record(NULL::accounts, $1::json)", row);
        }
    }

    private Task<TimeSpan> WaitForDrGaugeAsync(double expected, string what)
    {
        double? last = null;
        return Eventually.TrueAsync(
            async () => (last = GaugeValue(await _dr.Http.GetStringAsync("/metrics"), "dr_replication_healthy")) == expected,
            Bound,
            () => Task.FromResult($"Not within {Bound}: {what} (last value: {last?.ToString(CultureInfo.InvariantCulture) ?? "absent"})"));
    }

    private async Task WaitForLatestReportAsync(Func<DriftReport, bool> condition, string what)
    {
        DriftReport? last = null;
        await Eventually.TrueAsync(
            async () => (last = (await DriftAsync()).Latest) is { } report && condition(report),
            Bound,
            () => Task.FromResult($"Not within {Bound}: {what}; last report: {last}"));
    }

    private async Task<DrStatus> DrStatusAsync() => await HttpJson.ReadAsync<DrStatus>(await _dr.Http.GetAsync("/dr/status"));

    private async Task<DriftHistory> DriftAsync() => await HttpJson.ReadAsync<DriftHistory>(await _agent.GetAsync("/shadow/drift?limit=1"));

    private async Task<IReadOnlyList<ShadowComparison>> RecentAsync(string verdict, string path) =>
        [.. (await HttpJson.ReadAsync<List<ShadowComparison>>(await _agent.GetAsync($"/shadow/comparisons?verdict={verdict}&limit=500")))
            .Where(c => c.Path == path)];

    private async Task ExecuteOnDrAsync(string sql, params object[] parameters)
    {
        await using var command = await DrCommandAsync(sql, parameters);
        await command.ExecuteNonQueryAsync();
        await command.Connection!.DisposeAsync();
    }

    private async Task<string> QueryOnDrAsync(string sql, params object[] parameters)
    {
        await using var command = await DrCommandAsync(sql, parameters);
        var value = (string)(await command.ExecuteScalarAsync())!;
        await command.Connection!.DisposeAsync();
        return value;
    }

    private async Task<NpgsqlCommand> DrCommandAsync(string sql, object[] parameters)
    {
        var connection = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("ledgerdb-dr"));
        await connection.OpenAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = (int)AtlasAppFixture.RequestTimeout.TotalSeconds };
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }

    /// <summary>A gauge's value in Prometheus text (labels or not); null when it is not exported.</summary>
    private static double? GaugeValue(string metrics, string name) =>
        metrics.Split('\n')
            .Where(line => line.StartsWith(name + " ", StringComparison.Ordinal) || line.StartsWith(name + "{", StringComparison.Ordinal))
            .Select(line => (double?)double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .FirstOrDefault();
}
