using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// An experiment while this process holds it: <see cref="Ended"/> is cancelled the moment it stops applying —
/// it left the view (disabled, replaced, halted, the view cleared because Redis was lost or chaos switched off
/// for the service) or its lease (<see cref="ChaosExperiment.ExpiresAt"/>) passed — so every injected delay of
/// it that is still running ends at once.
/// </summary>
public sealed class ActiveChaosExperiment
{
    private readonly CancellationTokenSource _ended;

    /// <summary>Starts holding <paramref name="experiment"/>; ends by itself at its lease's end on <paramref name="timeProvider"/>'s clock.</summary>
    public ActiveChaosExperiment(ChaosExperiment experiment, TimeProvider timeProvider)
    {
        Experiment = experiment;
        var lease = experiment.ExpiresAt - timeProvider.GetUtcNow();
        _ended = lease > TimeSpan.Zero
            ? new CancellationTokenSource(lease < MaxTimer ? lease : MaxTimer, timeProvider)
            : new CancellationTokenSource();
        if (lease <= TimeSpan.Zero)
        {
            _ended.Cancel();
        }

        Ended = _ended.Token;
    }

    public ChaosExperiment Experiment { get; }

    /// <summary>Cancelled when the experiment stops applying in this process. Never cancels a caller's request.</summary>
    public CancellationToken Ended { get; }

    public bool HasEnded => Ended.IsCancellationRequested;

    /// <summary>The timer limit of <see cref="CancellationTokenSource"/> (≈ 49 days); leases are at most hours.</summary>
    private static TimeSpan MaxTimer => TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>
    /// Ends every injected delay of the experiment that is still running. Their continuations are queued, not run
    /// here, so this returns at once, whoever calls it.
    /// </summary>
    public void End() => _ended.Cancel();
}
