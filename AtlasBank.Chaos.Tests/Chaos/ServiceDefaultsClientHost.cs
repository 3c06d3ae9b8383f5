using System.Globalization;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// Another process's view: a host in the test process built with our ServiceDefaults, connected to the app's
/// Redis as the services' ACL user, calling <c>http://ledgerapi</c> (or <c>http://ledger</c>, the active region's) through
/// service discovery, as any AtlasBank service would.
/// </summary>
public sealed class ServiceDefaultsClientHost : IAsyncDisposable
{
    /// <summary>Quicker than production's, for tests that may rely on the resync as well as on the change messages.</summary>
    public static readonly TimeSpan QuickResyncInterval = TimeSpan.FromSeconds(1);

    private readonly IHost _host;

    private ServiceDefaultsClientHost(IHost host) => _host = host;

    /// <summary>This process's chaos view, as the service's HttpClients read it.</summary>
    public ChaosStateCache ChaosView => _host.Services.GetRequiredService<ChaosStateCache>();

    public static Task<ServiceDefaultsClientHost> StartAsync(AtlasAppFixture fixture) =>
        StartAsync(fixture, QuickResyncInterval, chaosEnabled: true);

    /// <param name="resyncInterval">
    /// <c>Chaos:ResyncInterval</c>; pass production's (<c>new ChaosOptions().ResyncInterval</c>) to prove a change
    /// arrives by its message, not by the next resync.
    /// </param>
    /// <param name="chaosEnabled"><c>Chaos:Enabled</c> at start; <see cref="SetChaosEnabled"/> flips it later.</param>
    /// <param name="resilience">Further settings of the standard resilience handler, e.g. a short attempt timeout.</param>
    /// <param name="configure">Further configuration and services, added after the defaults (e.g. the manager's drill workload).</param>
    public static async Task<ServiceDefaultsClientHost> StartAsync(
        AtlasAppFixture fixture, TimeSpan resyncInterval, bool chaosEnabled, Action<HttpStandardResilienceOptions>? resilience = null,
        Action<HostApplicationBuilder>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // A service's Redis user, not the admin: this host stands for any service with our ServiceDefaults.
            ["ConnectionStrings:redis"] = await fixture.App.GetConnectionStringAsync("redis-service"),
            ["services:ledgerapi:http:0"] = fixture.App.GetEndpoint("ledgerapi", "http").ToString(),
            // Both regions' ledgers, so http://ledger reaches whichever the routing names active.
            ["services:ledgerapi-dr:http:0"] = fixture.App.GetEndpoint("ledgerapi-dr", "http").ToString(),
            ["Chaos:ResyncInterval"] = resyncInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Chaos:Enabled"] = chaosEnabled ? "true" : "false",
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.AddServiceDefaults();
        // Quick retries so a test sees the standard handler give up on injected faults in milliseconds, and a
        // circuit breaker that tests polling every 20 ms do not trip (tripping it is real, but not under test here).
        builder.Services.ConfigureAll<HttpStandardResilienceOptions>(options =>
        {
            options.CircuitBreaker.MinimumThroughput = 100_000;
            options.Retry.Delay = TimeSpan.FromMilliseconds(1);
            options.Retry.UseJitter = false;
            options.Retry.BackoffType = Polly.DelayBackoffType.Constant;
            resilience?.Invoke(options);
        });
        configure?.Invoke(builder);

        var host = builder.Build();
        await host.StartAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        return new ServiceDefaultsClientHost(host);
    }

    /// <summary>Flips <c>Chaos:Enabled</c> as a configuration reload would, without restarting anything.</summary>
    public void SetChaosEnabled(bool enabled)
    {
        var configuration = (IConfigurationRoot)_host.Services.GetRequiredService<IConfiguration>();
        configuration["Chaos:Enabled"] = enabled ? "true" : "false";
        configuration.Reload();
    }

    public IServiceProvider Services => _host.Services;

    public HttpClient CreateClient() => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        _host.Dispose();
    }
}
