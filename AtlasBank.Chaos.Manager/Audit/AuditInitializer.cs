using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Creates the audit table at start, retrying until it can; reports progress as a health check.</summary>
public sealed partial class AuditInitializer(AuditStore audit, TimeProvider timeProvider, ILogger<AuditInitializer> logger) : BackgroundService, IHealthCheck
{
    private volatile bool _ready;
    private volatile string? _lastError;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await audit.EnsureSchemaAsync(stoppingToken);
                _ready = true;
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                _lastError = ex.Message;
                LogRetry(ex.Message);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy(_lastError ?? "Creating the audit table."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Audit table not ready ({Reason}); retrying.")]
    private partial void LogRetry(string reason);
}
