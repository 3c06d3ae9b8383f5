using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Tests.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Security;

[Collection(AtlasAppTests.Name)]
public sealed class SecurityTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private readonly ChaosManagerClient _admin = new(fixture.CreateManagerClient(AtlasAppFixture.AdminKey));

    public async Task InitializeAsync()
    {
        using var lift = await _admin.Http.DeleteAsync("/chaos/halt");
        await _admin.DisableEverythingAsync();
    }

    public Task DisposeAsync() => InitializeAsync();

    public static TheoryData<string, string, string?, string> Endpoints => new()
    {
        // method, path, body, least role that may call it
        { "POST", "/chaos/enable", "{}", "operator" },
        { "POST", "/chaos/disable", "\"no-such-service\"", "operator" },
        { "GET", "/chaos/list", null, "viewer" },
        { "GET", "/chaos/inject?service=no-such-service", null, "operator" },
        { "GET", "/chaos/stats", null, "viewer" },
        { "POST", "/chaos/bulk-enable", "[]", "operator" },
        { "POST", "/chaos/bulk-disable", "[\"no-such-service\"]", "operator" },
        { "POST", "/chaos/disable-all", null, "operator" },
        { "GET", "/chaos/halt", null, "viewer" },
        { "POST", "/chaos/halt", """{"Reason":5}""", "operator" },
        { "DELETE", "/chaos/halt", null, "admin" },
        { "GET", "/chaos/audit", null, "viewer" },
        { "GET", "/chaos/audit/verify", null, "admin" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task EveryEndpointAnswersEachIdentityAsTheRoleMatrixSays(string method, string path, string? body, string leastRole)
    {
        var roles = new[] { "viewer", "operator", "admin" };
        var identities = new (string Name, string? Key, int Rank)[]
        {
            ("no key", null, -1), ("bad key", "not-a-real-key", -1),
            ("viewer", AtlasAppFixture.ViewerKey, 0), ("operator", AtlasAppFixture.OperatorKey, 1), ("admin", AtlasAppFixture.AdminKey, 2),
        };

        foreach (var (name, key, rank) in identities)
        {
            using var client = fixture.CreateManagerClient(key);
            using var response = await SendAsync(client, method, path, body);
            var status = (int)response.StatusCode;
            var expected = rank < 0 ? "401" : rank < Array.IndexOf(roles, leastRole) ? "403" : "allowed";
            var ok = expected switch
            {
                "401" => status == 401,
                "403" => status == 403,
                _ => status is not (401 or 403) && status < 500,
            };
            Assert.True(ok, $"{method} {path} as {name}: expected {expected}, got {status} {await response.Content.ReadAsStringAsync()}");
            if (status is 401 or 403)
            {
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }
    }

    [Fact]
    public async Task HealthStaysOpenAndBearerKeysWork()
    {
        using var anonymous = fixture.CreateManagerClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/chaos/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AtlasAppFixture.ViewerKey);
        using var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AFuzzRunOfBadRequestsGetsOnly4xxChangesNothingAndAuditsEveryDenial()
    {
        var started = DateTimeOffset.UtcNow;
        var cases = FuzzCases.Generate(seed: 25).ToList();
        Assert.True(cases.Count >= 200, $"{cases.Count} cases");

        var denied = 0;
        foreach (var fuzz in cases)
        {
            using var client = fixture.CreateManagerClient(fuzz.Key);
            using var response = await SendAsync(client, fuzz.Method, fuzz.Path, fuzz.Body, fuzz.ContentType);
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{fuzz.Description}: {status} {await response.Content.ReadAsStringAsync()}");
            denied += status is 401 or 403 ? 1 : 0;
        }

        Assert.Equal(0, (await _admin.ListAsync()).Count);
        Assert.False((await ReadAsync<JsonElement>(await _admin.Http.GetAsync("/chaos/halt"))).GetProperty("Engaged").GetBoolean());
        Assert.True(denied > 0);
        var audited = await ReadAsync<AuditPage>(await _admin.Http.GetAsync($"/chaos/audit?outcome=denied&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=1"));
        Assert.Equal(denied, audited.Total);
    }

    [Fact]
    public async Task ConcurrentOperationsFromSeveralKeysLeaveExactlyOneAuditRowEachAndAChainThatVerifies()
    {
        var started = DateTimeOffset.UtcNow;
        var keys = new[] { ("admin", AtlasAppFixture.AdminKey), ("operator", AtlasAppFixture.OperatorKey), ("viewer", AtlasAppFixture.ViewerKey) };
        var operations = Enumerable.Range(0, 45).Select(async i =>
        {
            var (id, key) = keys[i % keys.Length];
            using var client = fixture.CreateManagerClient(key);
            using var response = id == "viewer"
                ? await client.GetAsync("/chaos/list")
                : await SendAsync(client, "POST", "/chaos/enable", $$"""{"Service":"audit-load-{{i}}","Mode":"latency","DelayMs":1}""");
            Assert.True(response.IsSuccessStatusCode, $"{id}: {(int)response.StatusCode}");
        });
        await Task.WhenAll(operations);

        foreach (var (id, _) in keys)
        {
            var page = await ReadAsync<AuditPage>(await _admin.Http.GetAsync($"/chaos/audit?keyId={id}&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=1"));
            Assert.Equal(15, page.Total);
        }

        var verification = await ReadAsync<AuditVerification>(await _admin.Http.GetAsync("/chaos/audit/verify"));
        Assert.True(verification.Valid, verification.Reason);
    }

    [Fact]
    public async Task ARowAlteredInTheDatabaseIsNamedByVerification()
    {
        await _admin.ListAsync(); // at least one row exists
        var latest = (await ReadAsync<AuditPage>(await _admin.Http.GetAsync("/chaos/audit?pageSize=1"))).Entries[0];
        await using var connection = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("chaosdb"));
        await connection.OpenAsync();

        // The table refuses changes outright...
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, $"UPDATE chaos_audit SET outcome = 'allowed' WHERE id = {latest.Id}"));

        // ...and someone who switches that off is still caught by the hash chain.
        await ExecuteAsync(connection, "ALTER TABLE chaos_audit DISABLE TRIGGER chaos_audit_no_change");
        try
        {
            await ExecuteAsync(connection, $"UPDATE chaos_audit SET detail = 'nothing to see' WHERE id = {latest.Id}");
            var broken = await ReadAsync<AuditVerification>(await _admin.Http.GetAsync("/chaos/audit/verify"));
            Assert.False(broken.Valid);
            Assert.Equal(latest.Id, broken.BrokenAtId);
        }
        finally
        {
            await using var restore = new NpgsqlCommand("UPDATE chaos_audit SET detail = $1 WHERE id = $2", connection);
            restore.Parameters.Add(new() { Value = (object?)latest.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            restore.Parameters.Add(new() { Value = latest.Id });
            await restore.ExecuteNonQueryAsync();
            await ExecuteAsync(connection, "ALTER TABLE chaos_audit ENABLE TRIGGER chaos_audit_no_change");
        }

        Assert.True((await ReadAsync<AuditVerification>(await _admin.Http.GetAsync("/chaos/audit/verify"))).Valid);
    }

    [Fact]
    public async Task AKeyOverItsLimitGets429WithRetryAfterAndIsAudited()
    {
        using var limited = fixture.CreateManagerClient(AtlasAppFixture.LimitedKey);
        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await SendAsync(limited, "POST", "/chaos/disable", "\"no-such-service\"");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1));
        var audit = await ReadAsync<AuditPage>(await _admin.Http.GetAsync("/chaos/audit?keyId=limited&outcome=denied&pageSize=5"));
        Assert.Contains(audit.Entries, entry => entry.StatusCode == 429);

        using (var first = await limited.GetAsync("/chaos/inject?service=no-such-service"))
        using (var second = await limited.GetAsync("/chaos/inject?service=no-such-service"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }
    }

    [Fact]
    public async Task AnExperimentFailingOnItsOwnIsAutoDisabledAndAudited()
    {
        await _admin.EnableAsync("""{"Service":"flaky","Mode":"failure","FailureRate":0.0,"RetryCount":0,"TargetUrl":"http://127.0.0.1:1/health"}""");
        for (var i = 0; i < 25; i++)
        {
            Assert.False((await _admin.InjectAsync("flaky")).Success);
        }

        await Eventually.TrueAsync(async () => (await _admin.ListAsync()).Count == 0, TimeSpan.FromSeconds(30), "the circuit breaker to disable 'flaky'");
        var audit = await ReadAsync<AuditPage>(await _admin.Http.GetAsync("/chaos/audit?service=flaky&pageSize=50"));
        var entry = Assert.Single(audit.Entries, e => e.Operation == "AutoDisable");
        Assert.Equal("system", entry.KeyId);
        Assert.Contains("failed on their own", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADeliberateTotalOutageIsNotAutoDisabled()
    {
        await _admin.EnableAsync("""{"Service":"ledger-region-a","Mode":"failure","FailureRate":1.0,"RetryCount":0,"TargetUrl":"http://ledgerapi/health"}""");
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(1, (await _admin.InjectAsync("ledger-region-a")).InjectedFaults);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)); // three circuit-breaker rounds
        Assert.Equal(["ledger-region-a"], (await _admin.ListAsync()).Experiments.Select(e => e.Service));
    }

    [Fact]
    public async Task DisableAllStopsInjectionInAnotherProcessWithinOneSecond()
    {
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(fixture);
        using var client = otherProcess.CreateClient();
        var stops = new List<double>();
        for (var i = 0; i < 10; i++)
        {
            await _admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "chaos to start");

            using var disableAll = await _admin.PostAsync("/chaos/disable-all", "");
            Assert.Equal(HttpStatusCode.OK, disableAll.StatusCode);
            var stopwatch = Stopwatch.StartNew();
            while (await StatusAsync(client) != HttpStatusCode.OK)
            {
                Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), "injection did not stop");
            }

            stops.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        Assert.True(stops.Max() < 1000, $"disable-all to clean calls: max {stops.Max():0} ms");
    }

    [Fact]
    public async Task TheDashboardsDisableAllButtonStopsEverything()
    {
        await _admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        var manager = fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "chaos-manager");
        var button = manager.Annotations.OfType<ResourceCommandAnnotation>().Single(c => c.DisplayName == "Disable all chaos");

        var result = await fixture.App.ResourceCommands.ExecuteCommandAsync("chaos-manager", button.Name).WaitAsync(AtlasAppFixture.RequestTimeout);

        Assert.True(result.Success, result.Message);
        Assert.Equal(0, (await _admin.ListAsync()).Count);
    }

    [Fact]
    public async Task TheHaltBlocksEnablesUntilAnAdminLiftsIt()
    {
        await _admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        using var op = fixture.CreateManagerClient(AtlasAppFixture.OperatorKey);

        using (var engage = await SendAsync(op, "POST", "/chaos/halt", """{"Reason":"incident 4711"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, engage.StatusCode);
        }

        Assert.Equal(0, (await _admin.ListAsync()).Count);
        using (var enable = await SendAsync(op, "POST", "/chaos/enable", """{"Service":"ledger","Mode":"latency","DelayMs":5}"""))
        using (var bulk = await SendAsync(op, "POST", "/chaos/bulk-enable", """[{"Service":"ledger","Mode":"latency","DelayMs":5}]"""))
        {
            Assert.Equal(HttpStatusCode.Conflict, enable.StatusCode);
            Assert.Contains("incident 4711", await enable.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.Conflict, bulk.StatusCode);
        }

        using (var operatorLift = await op.DeleteAsync("/chaos/halt"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, operatorLift.StatusCode);
        }

        using (var adminLift = await _admin.Http.DeleteAsync("/chaos/halt"))
        {
            Assert.Equal(HttpStatusCode.OK, adminLift.StatusCode);
        }

        await _admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
    }

    [Fact]
    public async Task ChaosEndsWhenItsLeaseRunsOutEvenWithTheManagerStopped()
    {
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(fixture);
        using var client = otherProcess.CreateClient();
        await _admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"DurationSeconds":4}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "chaos to start");

        await fixture.App.ResourceCommands.ExecuteCommandAsync("chaos-manager", KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, TimeSpan.FromSeconds(15), "the lease to end chaos without the manager");
        }
        finally
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync("chaos-manager", KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("chaos-manager").WaitAsync(AtlasAppFixture.StartTimeout);
        }
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        return await client.SendAsync(request);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("http://ledgerapi/health");
        return response.StatusCode;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static Task<T> ReadAsync<T>(HttpResponseMessage response) => ChaosManagerClient.ReadAsync<T>(response);
}
