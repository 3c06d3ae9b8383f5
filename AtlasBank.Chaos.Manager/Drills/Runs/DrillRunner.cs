using System.Collections.Concurrent;
using System.Security.Claims;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Starts runs on this replica and keeps those it owns. A run is one row in <c>chaosdb</c> (at most one active per
/// target, the database's rule) and one <see cref="DrillRunExecution"/> here. Aborts and disable-all reach the
/// owner through Redis (<see cref="DrillSignals"/>) and, when it is this replica, at once.
/// </summary>
public sealed partial class DrillRunner(
    IServiceProvider services,
    DrillRunStore store,
    DrillSignals signals,
    ChaosStore chaos,
    DrillInstance instance,
    IOptions<DrillOptions> options,
    TimeProvider timeProvider,
    ILogger<DrillRunner> logger) : IHostedService
{
    private readonly ConcurrentDictionary<string, (DrillRunExecution Execution, Task Running)> _runs = new(StringComparer.Ordinal);

    /// <summary>
    /// Records a pending run and starts it in the background. Throws <see cref="ChaosHaltedException"/> while the
    /// halt is engaged and <see cref="DrillRunConflictException"/> when the target has an active run.
    /// </summary>
    public async Task<DrillRun> StartAsync(DrillDefinition drill, DrillOverrides overrides, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        if (await chaos.GetHaltAsync() is not null)
        {
            throw new ChaosHaltedException();
        }

        var runId = $"run-{Guid.CreateVersion7():N}";
        var parameters = new DrillRunParameters(overrides.DurationFor(drill), overrides.RatePerSecond);
        var keyId = user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value;
        var now = timeProvider.GetUtcNow();
        await store.InsertAsync(runId, drill.Name!, drill.Target!, parameters, keyId, now, instance.Id, options.Value.Lease, cancellationToken);

        var context = new DrillRunContext(runId, drill, parameters, keyId, user.FindFirst(ClaimTypes.Role)?.Value, now);
        var execution = ActivatorUtilities.CreateInstance<DrillRunExecution>(services, context, instance.Id);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _runs[runId] = (execution, started.Task);
        _ = Task.Run(async () =>
        {
            try
            {
                await execution.RunAsync();
            }
            finally
            {
                _runs.TryRemove(runId, out _);
                execution.Dispose();
                context.Dispose();
                started.SetResult();
            }
        }, CancellationToken.None);
        LogStarted(logger, runId, drill.Name!, keyId);

        return new DrillRun(runId, drill.Name!, drill.Target!, DrillRunStates.Pending, null, parameters, keyId, now, null, null,
            instance.Id, now + options.Value.Lease, [], [], []);
    }

    /// <summary>Asks the run's owner to stop it (through Redis) and, if this replica owns it, stops it now.</summary>
    public async Task AbortAsync(string runId, DrillStopSignal signal)
    {
        if (_runs.TryGetValue(runId, out var local))
        {
            local.Execution.Run.TryStop(DrillRunStates.Aborted, signal.Describe());
        }

        await signals.RequestAbortAsync(runId, signal);
    }

    /// <summary>An operator's disable-all or halt: every run on every replica aborts.</summary>
    public async Task StopAllAsync(DrillStopSignal signal)
    {
        foreach (var (execution, _) in _runs.Values)
        {
            execution.Run.TryStop(DrillRunStates.Aborted, signal.Describe());
        }

        await signals.StopAllAsync(signal);
    }

    public bool Owns(string runId) => _runs.ContainsKey(runId);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A manager shutting down aborts its runs and rolls them back before it goes.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var signal = new DrillStopSignal(instance.Id, timeProvider.GetUtcNow(), "the manager replica that owned the run shut down");
        foreach (var (execution, _) in _runs.Values)
        {
            execution.Run.TryStop(DrillRunStates.Aborted, signal.Describe());
        }

        await Task.WhenAll(_runs.Values.Select(run => run.Running)).WaitAsync(DrillRunExecution.EndBound, timeProvider, cancellationToken)
            .ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DRILL_RUN_STARTED run={RunId} drill={Drill} by={KeyId}")]
    private static partial void LogStarted(ILogger logger, string runId, string drill, string? keyId);
}
