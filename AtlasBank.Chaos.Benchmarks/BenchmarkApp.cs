using Aspire.Hosting;
using Aspire.Hosting.Testing;
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
    public static async Task<DistributedApplication> StartAsync(IEnumerable<string> arguments, params string[] healthy)
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(
            ["--Infra:Mode=processes", $"--Parameters:chaos-api-key={ApiKey}", .. arguments],
            (options, _) => options.DisableDashboard = true);
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("AtlasBank.Chaos.AppHost.Resources", LogLevel.Warning).AddFilter("Aspire.Hosting", LogLevel.Warning)
            .AddFilter("System.Net.Http", LogLevel.Warning).AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        var app = await builder.BuildAsync();
        await app.StartAsync().WaitAsync(StartTimeout);
        foreach (var resource in healthy)
        {
            await app.ResourceNotifications.WaitForResourceHealthyAsync(resource).WaitAsync(StartTimeout);
        }

        return app;
    }
}
