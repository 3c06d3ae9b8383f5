using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>The whole app for a load run: processes mode, no dashboard, quiet logs, a fresh admin key per run.</summary>
internal static class BenchmarkApp
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(5);

    /// <summary>The admin key every run's app is started with (the AppHost's <c>chaos-api-key</c> parameter).</summary>
    public static readonly string ApiKey = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(20));

    /// <summary>Starts the app with <paramref name="arguments"/> on top, and waits until <paramref name="healthy"/> are.</summary>
    public static Task<DistributedApplication> StartAsync(IEnumerable<string> arguments, params string[] healthy) =>
        StartAsync(arguments, quietResources: false, healthy);

    /// <param name="quietResources">Drop the resources' own logs (a nemesis makes PostgreSQL log every statement it cancels).</param>
    public static async Task<DistributedApplication> StartAsync(IEnumerable<string> arguments, bool quietResources, params string[] healthy)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(
            ["--Infra:Mode=processes", $"--Parameters:chaos-api-key={ApiKey}", .. arguments],
            (options, _) => options.DisableDashboard = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AtlasBank.Chaos.AppHost.Resources", quietResources ? LogLevel.None : LogLevel.Warning).AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        var app = await builder.BuildAsync();
        await app.StartAsync().WaitAsync(StartTimeout);
        foreach (var resource in healthy)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
        }

        return app;
    }

    /// <summary>The resource in the app model (a replicated one stands for all its replicas).</summary>
    public static IResource Resource(DistributedApplication app, string resource) =>
        app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resource);

    /// <summary>Every replica of the resource at its own address (chaos-manager and chaos-agent run two).</summary>
    public static async Task<IReadOnlyList<(string Name, Uri Address)>> ReplicasAsync(DistributedApplication app, string resource)
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        return await app.ResourceNotifications.RunningReplicasAsync(resource, ReplicaCount(app, resource), cancellation.Token);
    }

    /// <summary>The latest event of every running replica of a project resource (its snapshot holds the process id).</summary>
    public static async Task<IReadOnlyList<ResourceEvent>> ReplicaEventsAsync(DistributedApplication app, string resource)
    {
        using var cancellation = new CancellationTokenSource(StartTimeout);
        return await app.ResourceNotifications.RunningReplicaEventsAsync(resource, ReplicaCount(app, resource), cancellation.Token);
    }

    private static int ReplicaCount(DistributedApplication app, string resource) =>
        Resource(app, resource).TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
}
