using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Tests;

/// <summary>
/// Starts the real AppHost once for every test in <see cref="AtlasAppTests"/>: real redis-server and
/// postgres processes, real services over HTTP. Processes mode, so no container runtime is needed.
/// </summary>
public sealed class AtlasAppFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    public static readonly string[] ResourceNames =
    [
        "redis", "postgres", "ledgerdb", "chaosdb", "postgres-dr", "ledgerdb-dr",
        "ledgerapi", "ledgerapi-dr", "chaos-manager", "chaos-agent",
    ];

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(
            [
                "--Infra:Mode=processes",
                // Shadow every read and validate drift every second, so shadow tests take seconds, not minutes.
                "--Shadow:Rate=1.0",
                "--Shadow:ValidationInterval=00:00:01",
                "--Shadow:Window=00:00:10",
                "--Shadow:LagRetryWindow=00:00:03",
                "--Shadow:LagRetryDelay=00:00:00.100",
            ],
            (options, _) => options.DisableDashboard = true,
            cancellation.Token);
        builder.Services.AddLogging(logging => logging
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning)
            .AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("AtlasBank.Chaos.AppHost.Resources", LogLevel.Warning));

        _app = await builder.BuildAsync(cancellation.Token).WaitAsync(StartTimeout, cancellation.Token);
        await _app.StartAsync(cancellation.Token).WaitAsync(StartTimeout, cancellation.Token);
        await Task.WhenAll(ResourceNames.Select(name => _app.ResourceNotifications.WaitForResourceHealthyAsync(name, cancellation.Token)))
            .WaitAsync(StartTimeout, cancellation.Token);
    }

    public HttpClient CreateClient(string resourceName)
    {
        var client = App.CreateHttpClient(resourceName);
        client.Timeout = RequestTimeout;
        return client;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromMinutes(1));
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AtlasAppTests : ICollectionFixture<AtlasAppFixture>
{
    public const string Name = "AtlasBank app";
}
