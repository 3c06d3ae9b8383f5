using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>
/// Follows the scraped resources' replicas as Aspire starts and stops them and keeps each job's file_sd file
/// listing every running replica at its own address — not the shared proxy, which would hide all but one.
/// </summary>
public sealed partial class ScrapeTargetDiscovery(
    PrometheusFolder folder,
    IReadOnlySet<string> jobs,
    ResourceNotificationService notifications,
    ILogger<ScrapeTargetDiscovery> logger) : BackgroundService
{
    private readonly Dictionary<string, Dictionary<string, string>> _targets = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stoppingToken))
            {
                if (!jobs.Contains(change.Resource.Name))
                {
                    continue;
                }

                if (!_targets.TryGetValue(change.Resource.Name, out var replicas))
                {
                    _targets[change.Resource.Name] = replicas = new(StringComparer.Ordinal);
                }

                var address = change.Snapshot.State?.Text == KnownResourceStates.Running ? ReplicaAddress.Of(change.Snapshot) : null;
                if (!Apply(replicas, change.ResourceId, address))
                {
                    continue;
                }

                try
                {
                    await ScrapeTargetFile.WriteAsync(
                        folder.TargetsFile(change.Resource.Name),
                        replicas.Select(replica => new ScrapeTarget(replica.Key, replica.Value)),
                        stoppingToken);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Prometheus is a watcher, not a dependency: a file it cannot get must never stop the app.
                    LogTargetsNotWritten(change.Resource.Name, ex.Message);
                    continue;
                }

                LogTargets(change.Resource.Name, replicas.Count);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Records a replica's address (null: not running); true when the job's targets changed.</summary>
    private static bool Apply(Dictionary<string, string> replicas, string replica, string? address)
    {
        if (address is null)
        {
            return replicas.Remove(replica);
        }

        var changed = !replicas.TryGetValue(replica, out var known) || known != address;
        replicas[replica] = address;
        return changed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Prometheus now scrapes {Replicas} replica(s) of {Job}.")]
    private partial void LogTargets(string job, int replicas);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prometheus' targets for {Job} not written: {Reason}")]
    private partial void LogTargetsNotWritten(string job, string reason);
}
