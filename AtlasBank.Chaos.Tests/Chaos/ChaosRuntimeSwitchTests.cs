using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary><c>Chaos:Enabled</c> followed as configuration changes: one service switched out and back in without a restart.</summary>
public sealed class ChaosRuntimeSwitchTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5); // real time; the fake clock does not move in these waits
    private static readonly Uri Target = new("http://ledgerapi/health");
    private static readonly ChaosExperiment Latency60s = ChaosTestData.Experiment("ledger", ChaosMode.Latency, failureRate: 0, delayMs: 60_000);
    private readonly FakeTimeProvider _time = new(ChaosTestData.Start);

    [Fact]
    public async Task SwitchingChaosOffInConfigurationEndsInFlightDelaysAndStopsInjectionWithoutARestart()
    {
        var configuration = Configuration(enabled: true);
        using var target = new ChaosTargetStub();
        await using var services = Services(configuration, target);
        var cache = services.GetRequiredService<ChaosStateCache>();
        cache.Apply([Latency60s]);
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("ledger");
        var call = client.GetAsync(Target);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);

        SetEnabled(configuration, false);

        using var cut = await call.WaitAsync(Prompt);
        Assert.Equal(HttpStatusCode.OK, cut.StatusCode);
        Assert.Equal(1, target.Calls);
        using var clean = await client.GetAsync(Target).WaitAsync(Prompt);
        Assert.False(clean.Headers.Contains(ChaosHeaders.Injected));
        cache.Apply([Latency60s]); // a resync racing the switch: refused while off
        Assert.Null(cache.Match(Target));
    }

    [Fact]
    public async Task SwitchingChaosBackOnResumesInjectionFromTheNextStateRead()
    {
        var configuration = Configuration(enabled: false);
        using var target = new ChaosTargetStub();
        await using var services = Services(configuration, target);
        var cache = services.GetRequiredService<ChaosStateCache>();
        cache.Apply([Latency60s]);
        Assert.Null(cache.Match(Target));

        SetEnabled(configuration, true);
        cache.Apply([Latency60s]); // what the synchronizer does as soon as it is woken by the change

        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("ledger");
        var call = client.GetAsync(Target);
        await Task.Delay(50);
        Assert.False(call.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(60));
        using var delayed = await call.WaitAsync(Prompt);
        Assert.Equal(ChaosHeaders.Latency, delayed.Headers.GetValues(ChaosHeaders.Injected).Single());
    }

    private static IConfigurationRoot Configuration(bool enabled) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Chaos:Enabled"] = enabled ? "true" : "false" }).Build();

    /// <summary>A configuration reload, as a changed appsettings file or a configuration provider gives.</summary>
    private static void SetEnabled(IConfigurationRoot configuration, bool enabled)
    {
        configuration["Chaos:Enabled"] = enabled ? "true" : "false";
        configuration.Reload();
    }

    private ServiceProvider Services(IConfiguration configuration, ChaosTargetStub target)
    {
        var services = new ServiceCollection();
        services.AddSingleton(configuration);
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new ChaosRandomizer(() => 0.5));
        services.AddChaosInjection();
        services.AddHttpClient("ledger").AddChaosHandler().ConfigurePrimaryHttpMessageHandler(() => target);
        return services.BuildServiceProvider();
    }
}
