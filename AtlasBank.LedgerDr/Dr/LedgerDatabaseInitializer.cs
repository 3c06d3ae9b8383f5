using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Prepares the database (schema, publication or subscription) at start, retrying until it succeeds, and
/// reports its progress as a health check: the ledger is not healthy until its database is ready.
/// </summary>
public sealed partial class LedgerDatabaseInitializer(ReplicationSetup setup, TimeProvider timeProvider, ILogger<LedgerDatabaseInitializer> logger)
    : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private volatile string? _lastError;
    private volatile bool _ready;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await setup.RunAsync(stoppingToken);
                _ready = true;
                _lastError = null;
                LogReady();
                return;
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
            {
                _lastError = ex.Message;
                LogRetry(ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready
            ? HealthCheckResult.Healthy("Schema and replication are set up.")
            : HealthCheckResult.Unhealthy(_lastError is null ? "Setting up schema and replication." : $"Database setup is failing: {_lastError}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "Ledger database is ready.")]
    private partial void LogReady();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ledger database setup failed ({Reason}); retrying in {DelayMs} ms.")]
    private partial void LogRetry(string reason, double delayMs);
}
