using System.Net;
using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Chaos;

[Collection(AtlasAppTests.Name)]
public sealed class ChaosObservabilityTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));

    public Task InitializeAsync() => _manager.DisableEverythingAsync();

    public Task DisposeAsync() => _manager.DisableEverythingAsync();

    [Fact]
    public async Task MetricsUseTheSpecsNamesWithServiceAndModeLabels()
    {
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"RetryCount":0}""");
        var result = await _manager.InjectAsync("ledger");
        Assert.False(result.Success);
        var stats = await _manager.StatsAsync();

        var metrics = await _manager.Http.GetStringAsync("/metrics");

        Assert.Matches("""chaos_injections_total\{[^}]*mode="failure"[^}]*service="ledger"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""chaos_injections_failed_total\{[^}]*mode="failure"[^}]*service="ledger"[^}]*\} [1-9]""", metrics);
        Assert.Matches("""chaos_success_rate\{[^}]*mode="failure"[^}]*service="ledger"[^}]*\} """, metrics);
        var ledger = stats.Services.Single(s => s.Service == "ledger");
        Assert.Equal((double)ledger.Successes / ledger.Injections, ledger.SuccessRate, 3);
        Assert.True(stats.Total.Injections >= ledger.Injections);
    }

    [Fact]
    public async Task TheApiIsDescribedByAnOpenApiDocumentAndABrowsableReference()
    {
        using var document = JsonDocument.Parse(await _manager.Http.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths");
        foreach (var path in new[] { "/chaos/enable", "/chaos/disable", "/chaos/list", "/chaos/inject", "/chaos/stats", "/chaos/bulk-enable", "/chaos/bulk-disable" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path);
        }

        using var reference = await _manager.Http.GetAsync("/scalar/");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }
}
