using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Chaos toggled in the manager reaches another process's HttpClient, and leaves it again.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class CrossProcessChaosTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan PropagationBound = TimeSpan.FromSeconds(10);
    private readonly ChaosManagerClient _manager = new(fixture.CreateClient("chaos-manager"));
    private ServiceDefaultsClientHost? _otherProcess;

    public async Task InitializeAsync()
    {
        await _manager.DisableEverythingAsync();
        _otherProcess = await ServiceDefaultsClientHost.StartAsync(fixture);
    }

    public async Task DisposeAsync()
    {
        await _manager.DisableEverythingAsync();
        if (_otherProcess is not null)
        {
            await _otherProcess.DisposeAsync();
        }
    }

    [Fact]
    public async Task FailureChaosOnLedgerFailsAnotherProcesssCallsUntilDisabled()
    {
        using var client = _otherProcess!.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client));

        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, PropagationBound, "ledger calls to fail");
        using (var failed = await client.GetAsync("http://ledgerapi/health"))
        {
            Assert.Equal("fault", failed.Headers.GetValues(ChaosHeaders.Injected).Single());
        }

        using var disable = await _manager.PostAsync("/chaos/disable", "\"ledger\"");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, PropagationBound, "ledger calls to recover");
    }

    [Fact]
    public async Task LatencyChaosOnLedgerDelaysAnotherProcesssCalls()
    {
        using var client = _otherProcess!.CreateClient();
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":300}""");

        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync("http://ledgerapi/health");
            return response.Headers.Contains(ChaosHeaders.Injected);
        }, PropagationBound, "ledger calls to be delayed");
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        using var delayed = await client.GetAsync("http://ledgerapi/health");

        Assert.Equal(HttpStatusCode.OK, delayed.StatusCode);
        Assert.True(stopwatch.ElapsedMilliseconds >= 300, $"{stopwatch.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task ExpiredLeaseStopsInjectionInAnotherProcess()
    {
        using var client = _otherProcess!.CreateClient();
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0,"DurationSeconds":2}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, PropagationBound, "ledger calls to fail");

        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, PropagationBound, "the lease to end chaos");
    }

    [Fact]
    public async Task WithRedisStoppedNothingIsInjectedAndTheManagerAnswers503ThenRecovers()
    {
        using var client = _otherProcess!.CreateClient();
        await _manager.EnableAsync("""{"Service":"ledger","Mode":"failure","FailureRate":1.0}""");
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, PropagationBound, "ledger calls to fail");

        await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        try
        {
            await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.OK, PropagationBound, "chaos to stop without Redis");

            using var list = await _manager.Http.GetAsync("/chaos/list");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, list.StatusCode);
            Assert.Equal("application/problem+json", list.Content.Headers.ContentType?.MediaType);
            using var enable = await _manager.PostAsync("/chaos/enable", """{"Service":"payments","Mode":"latency","DelayMs":5}""");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, enable.StatusCode);
        }
        finally
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            await fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("redis").WaitAsync(AtlasAppFixture.StartTimeout);
        }

        // Redis keeps its state across the restart (append-only file): the experiment resumes until disabled.
        await Eventually.TrueAsync(async () =>
        {
            using var response = await _manager.Http.GetAsync("/chaos/list");
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), "the manager to reach Redis again");
        Assert.Equal(["ledger"], (await _manager.ListAsync()).Experiments.Select(e => e.Service));
        await Eventually.TrueAsync(async () => await StatusAsync(client) == HttpStatusCode.ServiceUnavailable, PropagationBound, "chaos to resume");
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client)
    {
        using var response = await client.GetAsync("http://ledgerapi/health");
        return response.StatusCode;
    }
}
