using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Replicas;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// Every <see cref="ShadowOptions.ValidationInterval"/>: one replica computes the drift rate over the window,
/// stores it with its 24 h history and warns (📊) when drift above the noise floor passes the threshold, and
/// when replication is broken: DR says so on its <c>/dr/status</c>, or lag and error dominate the window. Every replica logs its shadow-traffic summary (🌗) and refreshes its gauges.
/// </summary>
public sealed partial class DriftValidator(
    ShadowStore store,
    ShadowReplayer replayer,
    ShadowWorker worker,
    ShadowMetrics metrics,
    IOptions<ShadowOptions> options,
    TimeProvider timeProvider,
    ILogger<DriftValidator> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.ValidationInterval, timeProvider);
        var processedBefore = 0L;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                if (await store.TryTakeValidationTurnAsync(settings.ValidationInterval))
                {
                    await ValidateAsync(stoppingToken);
                }

                metrics.Update(await store.LatestReportAsync(), await store.DroppedAsync());
                var processed = worker.Processed;
                LogTraffic(processed - processedBefore, settings.ValidationInterval.TotalSeconds, settings.Source, settings.Destination);
                processedBefore = processed;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                LogValidationFailed(ex.Message);
            }
        }
    }

    public async Task<DriftReport> ValidateAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // The round's time is when its turn was taken, before the window is read, so rounds are an interval apart.
        var at = timeProvider.GetUtcNow();
        var counts = await store.CountsAsync(settings.Window);
        var replication = await replayer.DrReplicationAsync(cancellationToken);
        var report = Report(counts, settings, at, replication) with { ValidatedBy = ServiceInstance.Name };
        await store.SaveReportAsync(report);
        if (report.ReplicationAlert)
        {
            LogReplicationAlert(report.ReplicationAlertReason, report.LagShare, report.ErrorShare, counts.Total, report.WindowSeconds);
        }

        if (report.Alert)
        {
            LogDriftAlert(report.DriftAboveNoise, report.Threshold, report.Drift, report.Compared, report.NoiseFloor, report.WindowSeconds);
        }
        else
        {
            LogDriftOk(report.DriftAboveNoise, report.Drift, report.Compared, report.Lag, report.Error, report.Chaos, report.NoiseFloor, report.WindowSeconds);
        }

        return report;
    }

    /// <summary>
    /// The drift rate over comparisons with a definite answer (match or drift), less the noise floor; the shares of
    /// lag and error over all verdicts; and the replication alert (<paramref name="replication"/> null: DR not asked).
    /// </summary>
    public static DriftReport Report(ShadowCounts counts, ShadowOptions settings, DateTimeOffset at, DrReplication? replication = null)
    {
        var compared = counts.Match + counts.Drift;
        var rate = compared == 0 ? 0 : (double)counts.Drift / compared;
        var noise = counts.NoiseObserved == 0 ? 0 : (double)counts.NoiseDisagreed / counts.NoiseObserved;
        var aboveNoise = Math.Max(0, rate - noise);
        var lagShare = Share(counts.Lag, counts.Total);
        var errorShare = Share(counts.Error, counts.Total);
        var reason = ReplicationAlertReason(counts, lagShare + errorShare, settings, replication);
        return new DriftReport(at, settings.Window.TotalSeconds, compared, counts.Match, counts.Drift, counts.Lag, counts.Error, counts.Chaos,
            Math.Round(rate, 4), Math.Round(noise, 4), Math.Round(aboveNoise, 4), settings.DriftThreshold, aboveNoise > settings.DriftThreshold,
            Math.Round(lagShare, 4), Math.Round(errorShare, 4), replication?.Healthy, reason is not null, reason);
    }

    private static double Share(long part, long total) => total == 0 ? 0 : (double)part / total;

    /// <summary>Why replication is an alarm, or null: DR says it is unhealthy (or cannot say), or lag and error dominate.</summary>
    private static string? ReplicationAlertReason(ShadowCounts counts, double lagOrErrorShare, ShadowOptions settings, DrReplication? replication)
    {
        var reasons = new List<string>(2);
        if (replication is { Healthy: not true })
        {
            reasons.Add(replication.Healthy is null
                ? $"DR's replication status is unknown ({replication.Reason})"
                : $"DR reports replication unhealthy: {replication.Reason}");
        }

        if (counts.Total >= settings.ReplicationAlertMinSamples && lagOrErrorShare > settings.ReplicationAlertShare)
        {
            reasons.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"lag and error are {lagOrErrorShare:P0} of {counts.Total} verdicts (more than {settings.ReplicationAlertShare:P0})"));
        }

        return reasons.Count == 0 ? null : string.Join("; ", reasons);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "📊 Drift rate {Rate:P1} above the noise floor exceeds {Threshold:P0}: {Drift} of {Compared} comparisons drifted (noise floor {Noise:P1}, window {Window} s)")]
    private partial void LogDriftAlert(double rate, double threshold, long drift, long compared, double noise, double window);

    [LoggerMessage(Level = LogLevel.Warning, Message = "📊 Replication alert: {Reason} (lag {LagShare:P0}, error {ErrorShare:P0} of {Total} verdicts, window {Window} s)")]
    private partial void LogReplicationAlert(string? reason, double lagShare, double errorShare, long total, double window);

    [LoggerMessage(Level = LogLevel.Information, Message = "📊 Drift rate {Rate:P1}: {Drift} of {Compared} drifted, {Lag} lag, {Error} error, {Chaos} under chaos (noise floor {Noise:P1}, window {Window} s)")]
    private partial void LogDriftOk(double rate, long drift, long compared, long lag, long error, long chaos, double noise, double window);

    [LoggerMessage(Level = LogLevel.Information, Message = "🌗 Shadow traffic: {Count} requests replayed in the last {Seconds} s ({Source} → {Destination})")]
    private partial void LogTraffic(long count, double seconds, string source, string destination);

    [LoggerMessage(Level = LogLevel.Warning, Message = "📊 Drift validation skipped: {Reason}")]
    private partial void LogValidationFailed(string reason);
}
