using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// The workload's caller: a host built with our ServiceDefaults, as any AtlasBank service is, on the app's Redis as
/// the services' ACL user, so <c>http://ledger</c> goes through service discovery, the standard resilience handler
/// (keyed writes retried) and the routing handler to whichever region the routing names.
/// </summary>
public sealed class LogicalLedgerHost : IAsyncDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromSeconds(30);
    private readonly IHost _host;

    private LogicalLedgerHost(IHost host) => _host = host;

    public static async Task<LogicalLedgerHost> StartAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = await app.GetConnectionStringAsync("redis-service", cancellationToken),
            ["services:ledgerapi:http:0"] = app.GetEndpoint("ledgerapi", "http").ToString(),
            ["services:ledgerapi-dr:http:0"] = app.GetEndpoint("ledgerapi-dr", "http").ToString(),
        });
        // Redis frozen or a region stopped is the point here; its clients' complaints are not news.
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.AddServiceDefaults();
        var host = builder.Build();
        await host.StartAsync(cancellationToken).WaitAsync(StartBound, cancellationToken);
        return new LogicalLedgerHost(host);
    }

    /// <summary>A client of <c>http://ledger</c>; each request's own cancellation bounds it.</summary>
    public HttpClient CreateClient()
    {
        var client = _host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        client.BaseAddress = new Uri("http://ledger");
        client.Timeout = Timeout.InfiniteTimeSpan;
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(StartBound);
        _host.Dispose();
    }
}
