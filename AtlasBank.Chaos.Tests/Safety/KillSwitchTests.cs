using System.Diagnostics;
using System.Net;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Tests.Chaos;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Safety;

/// <summary>
/// The kill switch inside the disaster it exists for: with the primary ledger's database or the control plane's
/// own database hung or stopped, stopping chaos still answers at once and takes effect everywhere; starting chaos
/// is refused quickly when it cannot be audited; and once the database is back, every stop is on record once.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class KillSwitchTests(AtlasAppFixture fixture, ITestOutputHelper output) : CleanChaosStateTests(fixture)
{
    private static readonly TimeSpan StopBound = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefusalBound = TimeSpan.FromSeconds(5);

    public static TheoryData<string, OutageKind> Outages => new()
    {
        { "postgres-chaos", OutageKind.Frozen },
        { "postgres-chaos", OutageKind.Stopped },
        { "postgres", OutageKind.Frozen },
        { "postgres", OutageKind.Stopped },
    };

    [Theory]
    [MemberData(nameof(Outages))]
    public async Task StoppingChaosAnswersWithinOneSecondAndIsAuditedOnceWhenTheDatabaseIsBack(string server, OutageKind kind)
    {
        var started = DateTimeOffset.UtcNow;
        await using var otherProcess = await ServiceDefaultsClientHost.StartAsync(Fixture);
        using var client = otherProcess.CreateClient();
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
        await Admin.EnableAsync("""{"Service":"payments","Mode":"latency","DelayMs":5}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10), "chaos to start");

        var outage = await PostgresOutage.BeginAsync(Fixture, server, kind);
        try
        {
            await AssertAnswersWithinAsync(StopBound, "POST", "/chaos/disable", "\"payments\"", HttpStatusCode.OK);
            await AssertAnswersWithinAsync(StopBound, "POST", "/chaos/disable-all", null, HttpStatusCode.OK);
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, TimeSpan.FromSeconds(5), "injection to stop in the other process");

            // Starting chaos needs its audit: refused quickly while the control plane's database is away,
            // unaffected by the ledger's.
            var startStatus = server == "postgres-chaos" ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK;
            using (var enable = await AssertAnswersWithinAsync(RefusalBound, "POST", "/chaos/enable", """{"Service":"ledger","Mode":"latency","DelayMs":5}""", startStatus))
            {
                if (startStatus == HttpStatusCode.ServiceUnavailable)
                {
                    Assert.True(enable.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), "503 without Retry-After");
                }
            }

            await AssertAnswersWithinAsync(StopBound, "POST", "/chaos/halt", """{"Reason":"drill"}""", HttpStatusCode.OK);
            Assert.Equal(0, (await Admin.ListAsync()).Count);
        }
        finally
        {
            await outage.EndAsync();
        }

        // Lifting the halt starts chaos again, so it waits for the audit: retried until the database answers.
        await Eventually.TrueAsync(async () =>
        {
            using var lift = await Admin.Http.DeleteAsync("/chaos/halt");
            return lift.StatusCode == HttpStatusCode.OK;
        }, TimeSpan.FromSeconds(30), "the halt to be lifted once the audit database is back");

        var from = Uri.EscapeDataString(started.ToString("o"));
        foreach (var operation in new[] { "DisableChaos", "DisableAllChaos", "EngageHalt" })
        {
            var page = await Admin.WaitForAuditAsync($"keyId=admin&from={from}&pageSize=100",
                audited => audited.Entries.Any(entry => entry.Operation == operation), $"{operation} on record");
            Assert.Single(page.Entries, entry => entry.Operation == operation);
        }

        var verification = await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"));
        Assert.True(verification.Valid, verification.Reason);
    }

    [Fact]
    public async Task AKeyOverItsChangeBudgetStillGetsTheEmergencyStopAndTheHalt()
    {
        using var stopper = Fixture.CreateManagerClient(AtlasAppFixture.StopperKey);
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        await Eventually.TrueAsync(async () =>
        {
            using var spend = await ChaosManagerClient.SendAsync(stopper, "POST", "/chaos/disable", "\"no-such-service\"");
            return spend.StatusCode == HttpStatusCode.TooManyRequests;
        }, TimeSpan.FromSeconds(10), "the stopper key to spend its change budget");

        using (var disableAll = await ChaosManagerClient.SendAsync(stopper, "POST", "/chaos/disable-all", null))
        {
            Assert.Equal(HttpStatusCode.OK, disableAll.StatusCode);
        }

        Assert.Equal(0, (await Admin.ListAsync()).Count);
        using (var halt = await ChaosManagerClient.SendAsync(stopper, "POST", "/chaos/halt", null))
        {
            Assert.Equal(HttpStatusCode.OK, halt.StatusCode);
        }
    }

    [Fact]
    public async Task TheEmergencyStopAnswersWithinOneSecondDuringAFloodOfKeylessRequestsWhichAreAuditedInAggregate()
    {
        const int Flood = 400;
        await Task.Delay(AtlasAppFixture.DenialAuditWindow * 2); // earlier tests' denials go on record before this one's start
        var started = DateTimeOffset.UtcNow;
        await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5}""");
        using var anonymous = Fixture.CreateManagerClient(null);

        var flood = Enumerable.Range(0, Flood).Select(async _ =>
        {
            using var response = await anonymous.GetAsync("/chaos/list");
            return response.StatusCode;
        }).ToArray();
        using (await AssertAnswersWithinAsync(StopBound, "POST", "/chaos/disable-all", null, HttpStatusCode.OK))
        {
        }

        var statuses = await Task.WhenAll(flood).WaitAsync(TimeSpan.FromMinutes(1));
        Assert.All(statuses, status => Assert.True(status is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, $"{status}"));
        Assert.Equal(0, (await Admin.ListAsync()).Count);

        var page = await Admin.WaitForAuditAsync($"from={Uri.EscapeDataString(started.ToString("o"))}&outcome=denied&pageSize=500",
            audited => audited.Entries.Where(e => e.Operation == "Unauthenticated").Sum(e => e.RequestCount) >= Flood, $"{Flood} keyless denials on record");
        var rows = page.Entries.Where(e => e.Operation == "Unauthenticated").ToList();
        Assert.Equal(Flood, rows.Sum(e => e.RequestCount));
        Assert.True(rows.Count <= 10, $"{rows.Count} audit rows for {Flood} keyless requests: not aggregated");
    }

    private async Task<HttpResponseMessage> AssertAnswersWithinAsync(TimeSpan bound, string method, string path, string? body, HttpStatusCode expected)
    {
        var stopwatch = Stopwatch.StartNew();
        var response = await ChaosManagerClient.SendAsync(Admin.Http, method, path, body).WaitAsync(bound + TimeSpan.FromSeconds(10));
        var elapsed = stopwatch.Elapsed;
        output.WriteLine($"{method} {path}: {(int)response.StatusCode} in {elapsed.TotalMilliseconds:0.0} ms");
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        Assert.True(elapsed < bound, $"{method} {path} took {elapsed.TotalMilliseconds:0} ms (bound {bound.TotalMilliseconds:0} ms)");
        return response;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        // Liveness, not readiness: the ledger's own database may be the one that is down.
        using var response = await client.GetAsync("http://ledgerapi/alive");
        return response.StatusCode;
    }
}
