using System.Net;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>The spec's experiments, sent as its curl commands send them.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosExperimentTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));

    public Task InitializeAsync() => _manager.DisableEverythingAsync();

    public Task DisposeAsync() => _manager.DisableEverythingAsync();

    [Fact]
    public async Task ServiceLatencyTestDelaysEveryInjectByAtLeastDelayMs()
    {
        var experiment = await _manager.EnableAsync("""
            {
              "Service": "ledger",
              "Mode": "latency",
              "FailureRate": 0.0,
              "DelayMs": 500,
              "RetryCount": 3,
              "TargetUrl": "http://ledgerapi:6181/health"
            }
            """);

        var result = await _manager.InjectAsync("ledger");

        Assert.Equal(ChaosMode.Latency, experiment.Mode);
        Assert.True(result.Success, result.Error);
        Assert.Equal(200, result.FinalStatus);
        Assert.Equal(1, result.Attempts);
        Assert.Equal(500, result.InjectedLatencyMs);
        // .NET timers tick in whole milliseconds, so a 500 ms delay can end a fraction of a millisecond before a
        // Stopwatch reads 500 (seen: 499.9 ms). One millisecond of timer granularity is allowed, no more.
        Assert.True(result.ElapsedMs >= 499, $"elapsed {result.ElapsedMs} ms");
        var stats = (await _manager.StatsAsync()).Services.Single(s => s.Service == "ledger");
        Assert.True(stats.InjectedLatency >= 1);
    }

    [Fact]
    public async Task ServiceFailureTestFailsAttemptsAtFailureRateWithinBinomialBounds()
    {
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":0.2,"DelayMs":0,"RetryCount":2}""");

        var results = new List<AtlasBank.Chaos.Manager.Chaos.InjectResult>();
        for (var i = 0; i < 120; i++)
        {
            results.Add(await _manager.InjectAsync("ledger"));
        }

        var attempts = results.Sum(r => r.Attempts);
        var faults = results.Sum(r => r.InjectedFaults);
        var share = (double)faults / attempts;
        // 5 standard deviations around 0.2: a correct implementation fails this about once in 3.5 million runs.
        var margin = 5 * Math.Sqrt(0.2 * 0.8 / attempts);
        Assert.InRange(share, 0.2 - margin, 0.2 + margin);
        // Every fault was retried while retries were left: only three faults in a row fail an inject.
        Assert.All(results, r => Assert.Equal(r.Success, r.InjectedFaults < 3));
        Assert.All(results, r => Assert.Equal(r.InjectedFaults + (r.Success ? 1 : 0), r.Attempts));
    }

    [Fact]
    public async Task AnUnreachableTargetIsAReportedFailureNotAnError()
    {
        await _manager.EnableAsync("""
            {"Service": "payments", "Mode": "failure", "FailureRate": 0.0, "RetryCount": 2,
             "TargetUrl": "http://localhost:1/health"}
            """);

        var result = await _manager.InjectAsync("payments");

        Assert.False(result.Success);
        Assert.Null(result.FinalStatus);
        Assert.Equal(3, result.Attempts);
        Assert.Contains("could not be reached", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BulkEnableListsEveryServiceAndBulkDisableEndsThemAll()
    {
        using var enable = await _manager.PostAsync("/chaos/bulk-enable", """
            [
              {"Service": "ledger", "Mode": "latency", "FailureRate": 0.0, "DelayMs": 300, "RetryCount": 3},
              {"Service": "payments", "Mode": "failure", "FailureRate": 0.15, "DelayMs": 200, "RetryCount": 2}
            ]
            """);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);

        var list = await _manager.ListAsync();
        Assert.Equal(["ledger", "payments"], list.Experiments.Select(e => e.Service));
        Assert.All(list.Experiments, e => Assert.True(e.ExpiresAt > e.EnabledAt));

        using var disable = await _manager.PostAsync("/chaos/bulk-disable", """["ledger","payments"]""");
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(0, (await _manager.ListAsync()).Count);
    }

    [Fact]
    public async Task TheGitHubActionsCallsWorkWithoutAContentType()
    {
        // curl -d without -H sends application/x-www-form-urlencoded: the body is still read as JSON.
        using var enable = await _manager.PostAsync("/chaos/enable", """{"Service":"ledger","Mode":"latency","DelayMs":100}""", contentType: null);
        Assert.Equal(HttpStatusCode.OK, enable.StatusCode);

        var result = await _manager.InjectAsync("ledger");
        Assert.True(result.Success, result.Error);
        Assert.Equal(100, result.InjectedLatencyMs);

        using var disable = await _manager.PostAsync("/chaos/disable", "\"ledger\"", contentType: null);
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(0, (await _manager.ListAsync()).Count);
    }

    [Fact]
    public async Task DisableTakesTheObjectFormAndAnswers404ForAServiceWithoutChaos()
    {
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":10}""");

        using var disable = await _manager.PostAsync("/chaos/disable", """{"Service":"ledger"}""");
        using var again = await _manager.PostAsync("/chaos/disable", "\"ledger\"");
        using var inject = await _manager.Http.GetAsync("/chaos/inject?service=ledger");

        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, inject.StatusCode);
    }

    [Fact]
    public async Task AnExperimentEndsByItselfWhenItsLeaseRunsOut()
    {
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"DurationSeconds":1}""");
        Assert.Equal(1, (await _manager.ListAsync()).Count);

        await Eventually.TrueAsync(async () => (await _manager.ListAsync()).Count == 0, TimeSpan.FromSeconds(10), "the lease to expire");

        using var inject = await _manager.Http.GetAsync("/chaos/inject?service=ledger");
        Assert.Equal(HttpStatusCode.NotFound, inject.StatusCode);
    }

    public static TheoryData<string, string, string> BadEnables => new()
    {
        { "wrong type", """{"Service":"ledger","Mode":"latency","DelayMs":"slow"}""", "DelayMs" },
        { "NaN", """{"Service":"ledger","Mode":"failure","FailureRate":NaN}""", "FailureRate" },
        { "NaN as a string", """{"Service":"ledger","Mode":"failure","FailureRate":"NaN"}""", "FailureRate" },
        { "negative delay", """{"Service":"ledger","Mode":"latency","DelayMs":-1}""", "DelayMs" },
        { "rate above one", """{"Service":"ledger","Mode":"failure","FailureRate":1.5}""", "FailureRate" },
        { "huge delay", """{"Service":"ledger","Mode":"latency","DelayMs":2147483647}""", "DelayMs" },
        { "number beyond range", """{"Service":"ledger","Mode":"latency","DelayMs":1e400}""", "DelayMs" },
        { "empty service", """{"Service":"","Mode":"latency","DelayMs":5}""", "Service" },
        { "over-long service", $$"""{"Service":"{{new string('a', 64)}}","Mode":"latency","DelayMs":5}""", "Service" },
        { "path traversal service", """{"Service":"../../etc","Mode":"latency","DelayMs":5}""", "Service" },
        { "control character service", """{"Service":"led\nger","Mode":"latency","DelayMs":5}""", "Service" },
        { "unknown mode", """{"Service":"ledger","Mode":"explode","DelayMs":5}""", "Mode" },
        { "non-http target", """{"Service":"ledger","Mode":"latency","DelayMs":5,"TargetUrl":"file:///etc/passwd"}""", "TargetUrl" },
        { "relative target", """{"Service":"ledger","Mode":"latency","DelayMs":5,"TargetUrl":"/health"}""", "TargetUrl" },
        { "too many retries", """{"Service":"ledger","Mode":"latency","DelayMs":5,"RetryCount":1000}""", "RetryCount" },
        { "lease too long", """{"Service":"ledger","Mode":"latency","DelayMs":5,"DurationSeconds":999999}""", "DurationSeconds" },
        { "duplicate field", """{"Service":"ledger","Mode":"latency","DelayMs":5,"DelayMs":6}""", "DelayMs" },
        { "unknown field", """{"Service":"ledger","Mode":"latency","DelayMs":5,"DelayMS2":6}""", "DelayMS2" },
        { "empty body", "", "body" },
        { "malformed JSON", """{"Service":"ledger",""", "errors" },
        { "array instead of object", """[1,2]""", "errors" },
    };

    [Theory]
    [MemberData(nameof(BadEnables))]
    public async Task BadInputIsRejectedNamingTheFieldAndChangesNothing(string name, string body, string field)
    {
        var before = await _manager.ListAsync();

        using var response = await _manager.PostAsync("/chaos/enable", body);
        var answer = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{name}: {(int)response.StatusCode} {answer}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"\"{field}\"", answer, StringComparison.Ordinal);
        Assert.Equal(before.Count, (await _manager.ListAsync()).Count);
    }

    [Fact]
    public async Task BulkEnableWithOneBadItemAppliesNothing()
    {
        using var response = await _manager.PostAsync("/chaos/bulk-enable", """
            [{"Service":"ledger","Mode":"latency","DelayMs":5},{"Service":"payments","Mode":"failure","FailureRate":7}]
            """);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("[1].FailureRate", out _));
        Assert.Equal(0, (await _manager.ListAsync()).Count);
    }

    [Fact]
    public async Task ContentThatIsNotJsonIsRefused()
    {
        using var response = await _manager.PostAsync("/chaos/enable", "<chaos/>", "application/xml");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal(0, (await _manager.ListAsync()).Count);
    }
}
