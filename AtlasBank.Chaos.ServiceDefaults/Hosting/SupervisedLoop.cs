using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.ServiceDefaults.Hosting;

/// <summary>
/// Runs a background loop under supervision: whatever escapes it (a Redis timeout its own catch did not expect, a
/// database gone, a bug) is logged, counted in <c>background_loop_failures_total{service,loop}</c>, and the loop is
/// started again after a backoff. A loop never takes its process down: with .NET's default
/// (<see cref="BackgroundServiceExceptionBehavior.StopHost"/>) one unexpected exception stopped the manager — kill switch
/// included — during a 12-second Redis freeze.
/// </summary>
public sealed partial class SupervisedLoop<TLoop>(TLoop loop, LoopFailures failures, TimeProvider timeProvider, ILogger<TLoop> logger)
    : IHostedService, IDisposable where TLoop : BackgroundService
{
    /// <summary>The first restart's delay; each consecutive failure doubles it, up to <see cref="MaxBackoff"/>.</summary>
    public static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    /// <summary>Short, so a loop is back within seconds of its dependency: the kill switch's state sync is one of them.</summary>
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    /// <summary>A run at least this long before it failed counts as healthy: the backoff starts over.</summary>
    private static readonly TimeSpan HealthyRun = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _supervision;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _supervision = SuperviseAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        await loop.StopAsync(cancellationToken);
        if (_supervision is not null)
        {
            await _supervision.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <remarks>The loop itself is the container's singleton: the container disposes it.</remarks>
    public void Dispose() => _stopping.Dispose();

    private async Task SuperviseAsync(CancellationToken stoppingToken)
    {
        var backoff = FirstBackoff;
        while (!stoppingToken.IsCancellationRequested)
        {
            var startedAt = timeProvider.GetTimestamp();
            try
            {
                // BackgroundService runs ExecuteAsync anew on each start: a fresh loop with a fresh stopping token.
                await loop.StartAsync(stoppingToken);
                if (loop.ExecuteTask is { } running)
                {
                    await running;
                }

                if (!stoppingToken.IsCancellationRequested)
                {
                    // A loop that returned on its own has nothing more to do (e.g. switched off by its options).
                    return;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                failures.Add(typeof(TLoop).Name);
                if (timeProvider.GetElapsedTime(startedAt) >= HealthyRun)
                {
                    backoff = FirstBackoff;
                }

                LogLoopFailed(ex, typeof(TLoop).Name, backoff.TotalMilliseconds);
                try
                {
                    await Task.Delay(backoff, timeProvider, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Background loop {Loop} failed; restarting it in {BackoffMs} ms.")]
    private partial void LogLoopFailed(Exception exception, string loop, double backoffMs);
}
