using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.Chaos.Provisioning;

/// <summary>
/// Runs the provisioning once and stops the process: exit code 0 when every server is provisioned (what the AppHost's
/// <c>WaitForCompletion</c> waits for), 1 otherwise. A server that does not answer yet is waited for, with backoff, up
/// to <see cref="ProvisioningOptions.ServerWait"/>: deployed, nothing starts the servers before this.
/// </summary>
public sealed partial class ProvisioningWorker(
    Provisioner provisioner, IOptions<ProvisioningOptions> options, IHostApplicationLifetime lifetime, TimeProvider timeProvider,
    ILogger<ProvisioningWorker> logger) : BackgroundService
{
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var deadline = timeProvider.GetUtcNow() + options.Value.ServerWait;
        var delay = FirstRetryDelay;
        try
        {
            while (true)
            {
                try
                {
                    await provisioner.RunAsync(stoppingToken);
                    Environment.ExitCode = 0;
                    return;
                }
                catch (Exception ex) when (IsServerNotAnswering(ex) && timeProvider.GetUtcNow() + delay < deadline && !stoppingToken.IsCancellationRequested)
                {
                    LogWaiting(logger, ex.Message, delay.TotalMilliseconds);
                    await Task.Delay(delay, timeProvider, stoppingToken);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));
                }
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            LogFailed(logger, ex);
            Environment.ExitCode = 1;
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    /// <summary>A server down, starting up or refusing connections for now: worth waiting for. Anything else is a defect to report.</summary>
    private static bool IsServerNotAnswering(Exception exception) => exception switch
    {
        PostgresException postgres => postgres.SqlState.StartsWith("57P", StringComparison.Ordinal) || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException or TimeoutException or IOException,
        TimeoutException => true,
        _ => false,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "A server does not answer yet ({Reason}); provisioning again in {DelayMs} ms.")]
    private static partial void LogWaiting(ILogger logger, string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "PROVISIONING_FAILED: the services using these databases stay unready until it succeeds.")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
