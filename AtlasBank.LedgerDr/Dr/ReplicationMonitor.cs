using System.Diagnostics.Metrics;
using AtlasBank.Chaos.ServiceDefaults;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Polls DR's replication status every <see cref="ReplicationHealthOptions.PollInterval"/> and serves the gauges
/// from the last poll, so a scrape never queries PostgreSQL. Reports its verdict as a health check that is at
/// worst <see cref="HealthStatus.Degraded"/>: DR must stay ready while the primary is gone (that is the drill).
/// </summary>
public sealed partial class ReplicationMonitor : BackgroundService, IHealthCheck
{
    public const string HealthCheckName = "replication";

    private readonly ReplicationStatusReader _reader;
    private readonly IOptions<ReplicationHealthOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ReplicationMonitor> _logger;
    private volatile Snapshot? _latest;

    private sealed record Snapshot(DrStatus? Status, bool Healthy, string? Reason);

    public ReplicationMonitor(
        ReplicationStatusReader reader,
        IOptions<ReplicationHealthOptions> options,
        IMeterFactory meterFactory,
        TimeProvider timeProvider,
        ILogger<ReplicationMonitor> logger)
    {
        _reader = reader;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
        var meter = meterFactory.Create(TelemetryNames.LedgerMeter);
        meter.CreateObservableGauge("dr_replication_lag_bytes", LagBytes,
            description: "WAL the primary has written that DR has not confirmed (absent while the primary is unreachable).");
        meter.CreateObservableGauge("dr_replication_last_message_age_seconds", LastMessageAge,
            description: "Seconds since DR last heard from the primary (absent before the first message).");
        meter.CreateObservableGauge("dr_replication_healthy", () => _latest is { Healthy: true } ? 1 : 0,
            description: "1 when DR's replication is healthy by the documented rule (Replication:Health), else 0.");
    }

    /// <summary>The verdict of the last poll; null before the first.</summary>
    public (bool Healthy, string? Reason)? Latest => _latest is { } latest ? (latest.Healthy, latest.Reason) : null;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.Value.PollInterval, _timeProvider);
        do
        {
            await PollAsync(stoppingToken);
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public async Task PollAsync(CancellationToken cancellationToken)
    {
        var before = _latest;
        Snapshot latest;
        try
        {
            var status = await _reader.ReadAsync(cancellationToken);
            latest = new Snapshot(status, status.Healthy == true, status.UnhealthyReason);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            latest = new Snapshot(null, false, $"replication status unreadable: {ex.Message}");
        }

        _latest = latest;
        if (latest.Healthy != (before?.Healthy ?? true) || (!latest.Healthy && latest.Reason != before?.Reason))
        {
            if (latest.Healthy)
            {
                LogHealthy();
            }
            else
            {
                LogUnhealthy(latest.Reason);
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_latest switch
        {
            null => HealthCheckResult.Healthy("Replication not polled yet."),
            { Healthy: true } => HealthCheckResult.Healthy("Replication healthy."),
            { Reason: var reason } => HealthCheckResult.Degraded($"Replication unhealthy: {reason}"),
        });

    private IEnumerable<Measurement<long>> LagBytes()
    {
        if (_latest?.Status?.LagBytes is { } lag)
        {
            yield return new Measurement<long>(lag);
        }
    }

    private IEnumerable<Measurement<double>> LastMessageAge()
    {
        if (_latest?.Status?.LastMessageReceivedAt is { } last)
        {
            yield return new Measurement<double>(Math.Max(0, (_timeProvider.GetUtcNow() - last).TotalSeconds));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Replication unhealthy: {Reason}")]
    private partial void LogUnhealthy(string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Replication healthy again.")]
    private partial void LogHealthy();
}
