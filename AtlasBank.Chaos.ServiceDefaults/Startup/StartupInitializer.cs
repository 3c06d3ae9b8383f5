using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.ServiceDefaults.Startup;

/// <summary>
/// One-off start-up work against a dependency that may not be up yet (creating a schema, a publication):
/// retried with backoff until it succeeds, and reported as a health check so the service is not ready
/// before it is done — a worker that reports its own health, as aspire-samples does.
/// </summary>
public abstract partial class StartupInitializer(TimeProvider timeProvider, ILogger logger) : BackgroundService, IHealthCheck
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);
    private volatile string? _lastError;
    private volatile bool _ready;

    /// <summary>What the check reports once the work is done.</summary>
    protected abstract string ReadyMessage { get; }

    /// <summary>The work; throwing a transient error (see <see cref="IsTransient"/>) means "try again".</summary>
    protected abstract Task RunOnceAsync(CancellationToken cancellationToken);

    protected abstract bool IsTransient(Exception exception);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = FirstRetryDelay;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RunOnceAsync(stoppingToken);
                _ready = true;
                _lastError = null;
                LogReady(GetType().Name);
                return;
            }
            catch (Exception ex) when (IsTransient(ex) && !stoppingToken.IsCancellationRequested)
            {
                _lastError = ex.Message;
                LogRetry(GetType().Name, ex.Message, delay.TotalMilliseconds);
                await Task.Delay(delay, timeProvider, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
            }
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_ready
            ? HealthCheckResult.Healthy(ReadyMessage)
            : HealthCheckResult.Unhealthy(_lastError is null ? "Starting up." : $"Start-up work is failing: {_lastError}"));

    [LoggerMessage(Level = LogLevel.Information, Message = "{Initializer} is done.")]
    private partial void LogReady(string initializer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Initializer} failed ({Reason}); retrying in {DelayMs} ms.")]
    private partial void LogRetry(string initializer, string reason, double delayMs);
}
