namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// The wait an experiment injects: it runs for its delay unless the experiment ends first, and it is cancelled by
/// the caller's token as any wait of the call would be. The experiment ending never cancels the caller's request:
/// the wait just stops and the call goes on as if there were no chaos.
/// </summary>
public static class ChaosDelay
{
    /// <summary>
    /// Waits <paramref name="delay"/> on <paramref name="timeProvider"/>'s clock. True when it ran to its end; false
    /// when <paramref name="experimentEnded"/> cut it short (or was already cancelled). Throws
    /// <see cref="OperationCanceledException"/> when the caller's <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async ValueTask<bool> WaitAsync(TimeSpan delay, TimeProvider timeProvider, CancellationToken experimentEnded, CancellationToken cancellationToken)
    {
        if (!experimentEnded.CanBeCanceled)
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            return true;
        }

        if (experimentEnded.IsCancellationRequested)
        {
            return false;
        }

        using var either = CancellationTokenSource.CreateLinkedTokenSource(experimentEnded, cancellationToken);
        // ForceYielding: whoever ends the experiment (the synchronizer, a lease timer) only queues the calls' continuations;
        // SuppressThrowing: ending a wait early is the normal case here, not worth an exception.
        await Task.Delay(delay, timeProvider, either.Token).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ForceYielding);
        cancellationToken.ThrowIfCancellationRequested();
        return !experimentEnded.IsCancellationRequested;
    }
}
