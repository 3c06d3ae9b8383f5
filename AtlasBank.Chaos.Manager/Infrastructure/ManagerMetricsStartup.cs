using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Runs;

namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>
/// Builds the manager's metrics while it starts, not on the first request that needs them, so every series that starts
/// at zero is on <c>/metrics</c> from the first scrape: Prometheus' <c>increase()</c> shows nothing for the first event
/// of a series born at 1.
/// </summary>
public sealed class ManagerMetricsStartup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<ChaosManagerMetrics>();
        services.GetRequiredService<DrillMetrics>();
        services.GetRequiredService<DrMetrics>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
