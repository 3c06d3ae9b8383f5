using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// Another process's view: a host in the test process built with our ServiceDefaults, connected to the app's
/// Redis, calling <c>http://ledgerapi</c> through service discovery, as any AtlasBank service would.
/// </summary>
public sealed class ServiceDefaultsClientHost : IAsyncDisposable
{
    private readonly IHost _host;

    private ServiceDefaultsClientHost(IHost host) => _host = host;

    public static async Task<ServiceDefaultsClientHost> StartAsync(AtlasAppFixture fixture)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = await fixture.App.GetConnectionStringAsync("redis"),
            ["services:ledgerapi:http:0"] = fixture.App.GetEndpoint("ledgerapi", "http").ToString(),
            ["Chaos:ResyncInterval"] = "00:00:01",
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
        });

        var host = builder.Build();
        await host.StartAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        return new ServiceDefaultsClientHost(host);
    }

    public HttpClient CreateClient() => _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        _host.Dispose();
    }
}
