using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AtlasBank.Chaos.Tests.Chaos;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>Keys, roles and limits of the chaos API, and what it does with hostile input.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class SecurityTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{

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
        { "GET", "/drills", null, "viewer" },
        { "GET", "/drills/nightly", null, "viewer" },
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
            using var client = Fixture.CreateManagerClient(key);
            using var response = await ChaosManagerClient.SendAsync(client, method, path, body);
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
        using var anonymous = Fixture.CreateManagerClient(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode);

        using var request = new HttpRequestMessage(HttpMethod.Get, "/chaos/list");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AtlasAppFixture.ViewerKey);
        using var response = await anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AFuzzRunOfBadRequestsGetsOnly4xxChangesNothingAndAuditsEveryDenial()
    {
        // Denials without a valid key are written once per window: let earlier tests' counts go on record
        // before this run's starts, so the sum below is this run's alone.
        await Task.Delay(AtlasAppFixture.DenialAuditWindow * 2);
        var started = DateTimeOffset.UtcNow;
        var cases = FuzzCases.Generate(seed: 25).ToList();
        Assert.True(cases.Count >= 200, $"{cases.Count} cases");

        var denied = 0;
        foreach (var fuzz in cases)
        {
            using var client = Fixture.CreateManagerClient(fuzz.Key);
            using var response = await ChaosManagerClient.SendAsync(client, fuzz.Method, fuzz.Path, fuzz.Body, fuzz.ContentType);
            var status = (int)response.StatusCode;
            Assert.True(status is >= 400 and < 500, $"{fuzz.Description}: {status} {await response.Content.ReadAsStringAsync()}");
            denied += status is 401 or 403 or 429 ? 1 : 0;
        }

        Assert.Equal(0, (await Admin.ListAsync()).Count);
        Assert.False((await HttpJson.ReadAsync<JsonElement>(await Admin.Http.GetAsync("/chaos/halt"))).GetProperty("Engaged").GetBoolean());
        Assert.True(denied > 0);
        // Known keys' denials are a row each, requests without a valid key a row per address and window with their count.
        var audited = await Admin.WaitForAuditAsync($"outcome=denied&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=500",
            page => page.Entries.Sum(entry => entry.RequestCount) >= denied, $"{denied} denied requests on record");
        Assert.Equal(denied, audited.Entries.Sum(entry => entry.RequestCount));
        Assert.True(audited.Total < denied, $"{audited.Total} rows for {denied} denials: not aggregated");
    }

    [Fact]
    public async Task AKeyOverItsLimitGets429WithRetryAfterAndIsAudited()
    {
        using var limited = Fixture.CreateManagerClient(AtlasAppFixture.LimitedKey);
        var statuses = new List<HttpStatusCode>();
        TimeSpan? retryAfter = null;
        for (var i = 0; i < 3; i++)
        {
            using var response = await ChaosManagerClient.SendAsync(limited, "POST", "/chaos/disable", "\"no-such-service\"");
            statuses.Add(response.StatusCode);
            retryAfter ??= response.Headers.RetryAfter?.Delta;
        }

        Assert.Equal([HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(retryAfter >= TimeSpan.FromSeconds(1));
        await Admin.WaitForAuditAsync("keyId=limited&outcome=denied&pageSize=5",
            page => page.Entries.Any(entry => entry.StatusCode == 429), "the 429 on record");

        using (var first = await limited.GetAsync("/chaos/inject?service=no-such-service"))
        using (var second = await limited.GetAsync("/chaos/inject?service=no-such-service"))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
            Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        }
    }
}
