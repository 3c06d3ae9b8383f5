using AtlasBank.Chaos.Hosting;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
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
    public static readonly TimeSpan DenialAuditWindow = TimeSpan.FromSeconds(1);

    public static readonly string[] ResourceNames =
    [
        "redis", "postgres", "ledgerdb", "postgres-chaos", "chaosdb", "postgres-dr", "ledgerdb-dr",
        "ledgerdb-app", "ledgerdb-monitor", "ledgerdb-dr-app", "chaosdb-manager", "ledgerdb-auditor", "ledgerdb-dr-auditor",
        "ledgerdb-controller", "ledgerdb-dr-controller",
        "ledgerapi", "ledgerapi-dr", "chaos-manager", "chaos-agent", "prometheus",
    ];

    /// <summary>The resources the AppHost runs more than one replica of, as deployed.</summary>
    public static readonly string[] ReplicatedResources = ["chaos-manager", "chaos-agent"];

    public const string AdminKey = "admin-test-key-0c4b8e2a61f94d3b";
    public const string ViewerKey = "viewer-test-key-7d1c0b6f2e";
    public const string OperatorKey = "operator-test-key-5a9e3c1d7b";
    public const string LimitedKey = "limited-test-key-2f8a6d4c0e";
    public const string StopperKey = "stopper-test-key-9b3e1f7a5c";
    public const string ReplicaLimitedKey = "replica-limited-key-4e8c2a9d1b";

    /// <summary>The audit chain's HMAC key (hex), so tests can recompute MACs as an SRE would.</summary>
    public const string AuditKey = "5f1c9a7e3b2d4c6a8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f";
    public static readonly TimeSpan AuditAnchorInterval = TimeSpan.FromSeconds(2);

    /// <summary>The operator's drill folder the suite gives the manager: drills only tests run.</summary>
    public static readonly string TestDrillsFolder = Path.Combine(AppContext.BaseDirectory, "Drills", "Runs", "TestDrills");

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        // The test host runs the AppHost in-process, whose health checks poll every database with Npgsql (inline
        // cancellations on a frozen server, npgsql#3277). With region A's database frozen, the first disable-all a test
        // timed stalled about a second in two runs of four (1,001 and 1,183 ms) and in none of two with this floor:
        // most likely this process's 2-thread pool, not the replica it measured. The same floor the services have.
        ThreadPoolFloor.Apply();
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
                // Keys of every role (the manager is given only their SHA-256), generous limits for the suite,
                // one key with tight limits for the rate-limit test, and a fast circuit breaker.
                $"--Parameters:chaos-api-key={AdminKey}",
                "--ChaosManager:ExtraApiKeys:0:Id=viewer",
                "--ChaosManager:ExtraApiKeys:0:Role=viewer",
                "--ChaosManager:ExtraApiKeys:0:Hash=7b39ebc7806bbe817171deace57d2d5e367d42f069576de1d5a6cc76d395fb12",
                "--ChaosManager:ExtraApiKeys:1:Id=operator",
                "--ChaosManager:ExtraApiKeys:1:Role=operator",
                "--ChaosManager:ExtraApiKeys:1:Hash=ae5d3f81d6acd9aa7819c0657f465d52e587045ce103c67832fed7298744b2c6",
                "--ChaosManager:ExtraApiKeys:2:Id=limited",
                "--ChaosManager:ExtraApiKeys:2:Role=operator",
                "--ChaosManager:ExtraApiKeys:2:Hash=69fbd55efcd2c728be38820085c0b6dd4c123582601c1af9a4aabaa0913b236d",
                "--ChaosManager:ExtraApiKeys:2:ChangesPerMinute=2",
                "--ChaosManager:ExtraApiKeys:2:InjectPerSecond=1",
                // An operator with a change budget of one a minute: spent at once by the emergency-stop test.
                "--ChaosManager:ExtraApiKeys:3:Id=stopper",
                "--ChaosManager:ExtraApiKeys:3:Role=operator",
                "--ChaosManager:ExtraApiKeys:3:Hash=5c860c4d53e4eef505ef12949da252a25d9b760d9d5bd29d3bb71f4040c5c951",
                "--ChaosManager:ExtraApiKeys:3:ChangesPerMinute=1",
                // Two changes a minute, spent across both replicas by the replica tests only.
                "--ChaosManager:ExtraApiKeys:4:Id=replica-limited",
                "--ChaosManager:ExtraApiKeys:4:Role=operator",
                "--ChaosManager:ExtraApiKeys:4:Hash=e4188eb943d4dbb17e1ad290c0961ba9a560173d9d820e5555d722ea4b6502eb",
                "--ChaosManager:ExtraApiKeys:4:ChangesPerMinute=2",
                "--ChaosManager:RateLimits:InjectPerSecond=1000",
                "--ChaosManager:RateLimits:ChangesPerMinute=100000",
                "--ChaosManager:RateLimits:KeylessPerSecond=1000",
                // Denials without a valid key are audited in aggregate; a short window keeps the suite fast.
                $"--ChaosManager:DenialAudit:Window={DenialAuditWindow}",
                "--ChaosManager:AutoDisable:CheckInterval=00:00:01",
                // A known audit key, and the chain head anchored every 2 s (not every minute) whatever else happens.
                $"--Parameters:chaos-audit-key={AuditKey}",
                $"--ChaosManager:Audit:AnchorInterval={AuditAnchorInterval}",
                // Prometheus scrapes and evaluates its rules every second, so alert tests take seconds.
                "--Observability:ScrapeInterval=00:00:01",
                // The suite's own drills, loaded beside the built-ins as an operator's folder is.
                $"--ChaosManager:Drills:Folder={TestDrillsFolder}",
                // A target that refuses connections at once, for the unreachable-target tests (appsettings holds entry 0).
                "--ChaosManager:AllowedTargetHosts:1=localhost",
                .. DatabasePasswords.Arguments,
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
        // A replicated resource is healthy once one replica is: tests start when every replica answers.
        await Task.WhenAll(ReplicatedResources.Select(WaitForReplicasAsync)).WaitAsync(StartTimeout, cancellation.Token);
    }

    public HttpClient CreateClient(string resourceName)
    {
        var client = App.CreateHttpClient(resourceName);
        client.Timeout = RequestTimeout;
        if (resourceName is "chaos-manager" or "chaos-agent")
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", AdminKey);
        }

        return client;
    }

    /// <summary>A manager client with the given key (null: none at all).</summary>
    public HttpClient CreateManagerClient(string? apiKey)
    {
        var client = App.CreateHttpClient("chaos-manager");
        client.Timeout = RequestTimeout;
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

        return client;
    }

    /// <summary>
    /// Every running replica of a resource at its own address (the resource's usual client goes through the proxy,
    /// which spreads requests over them), named as Aspire names it and as the replica names itself in X-Served-By.
    /// </summary>
    public async Task<IReadOnlyList<(string Name, Uri Address)>> ReplicasAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(RequestTimeout);
        return await App.ResourceNotifications.RunningReplicasAsync(resource, ReplicaCountOf(resource), cancellation.Token);
    }

    /// <summary>The latest event of every running replica of the resource (its snapshot: environment, process id).</summary>
    public async Task<IReadOnlyList<ResourceEvent>> ReplicaEventsAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(RequestTimeout);
        return await App.ResourceNotifications.RunningReplicaEventsAsync(resource, ReplicaCountOf(resource), cancellation.Token);
    }

    /// <summary>The resource in the app model (a replicated one stands for all its replicas).</summary>
    public IResource Resource(string resource) =>
        App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);

    /// <summary>Waits until every replica of the resource runs and answers its health check at its own address.</summary>
    public async Task WaitForReplicasAsync(string resource)
    {
        foreach (var (name, address) in await ReplicasAsync(resource))
        {
            using var client = CreateReplicaClient(address, apiKey: null);
            await Eventually.TrueAsync(
                async () =>
                {
                    try
                    {
                        using var response = await client.GetAsync("/health");
                        return response.IsSuccessStatusCode;
                    }
                    catch (HttpRequestException)
                    {
                        return false;
                    }
                },
                StartTimeout,
                $"{name} healthy at {address}");
        }
    }

    /// <summary>How many replicas of the resource the AppHost runs.</summary>
    public int ReplicaCountOf(string resource) =>
        Resource(resource).TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;

    /// <summary>A client of one replica of the manager, with the given key (null: none).</summary>
    public static HttpClient CreateReplicaClient(Uri address, string? apiKey)
    {
        var client = new HttpClient { BaseAddress = address, Timeout = RequestTimeout };
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        }

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
