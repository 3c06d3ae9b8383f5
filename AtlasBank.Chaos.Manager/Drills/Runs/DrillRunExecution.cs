using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Probes;
using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.Manager.Safety;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Runs one drill on the replica that owns it, after Chaos Toolkit's experiment run: the hypothesis before, the
/// method step by step while the hypothesis is checked every few seconds and the abort conditions every second,
/// the hypothesis after, and the rollback whatever happened. The verdict is <c>passed</c> only when every check and
/// every money invariant held; an abort condition makes it <c>failed</c> at once; an abort from outside (operator,
/// halt, disable-all, lost lease) makes it <c>aborted</c>.
/// </summary>
public sealed partial class DrillRunExecution(
    DrillRunContext run,
    string owner,
    DrillRunStore store,
    DrillSignals signals,
    DrillStepRunner steps,
    DrillFailoverSteps failovers,
    DrillProbeEvaluator probes,
    BankWorkloadFactory workloads,
    LedgerInvariantChecker invariants,
    IAuditHeadReader auditHead,
    AuditTrail audit,
    DrillMetrics metrics,
    IOptions<DrillOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<DrillRunExecution> logger) : IDisposable
{
    /// <summary>How long the end of a run may wait on its bookkeeping (saving, audit) once chaos is off.</summary>
    public static readonly TimeSpan EndBound = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan SignalInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StoreTimeout = TimeSpan.FromSeconds(5);
    private const int SignalFailuresBeforeAbort = 3;

    private readonly DrillOptions _options = options.Value;
    private readonly List<Task> _backgroundWorkloads = [];
    /// <summary>Cancelled when the method ends, or the run stops.</summary>
    private readonly CancellationTokenSource _methodEnded = CancellationTokenSource.CreateLinkedTokenSource(run.Stopping);
    private readonly CancellationTokenSource _loops = new();
    private readonly Dictionary<string, int> _consecutiveFailures = new(StringComparer.Ordinal);

    public DrillRunContext Run => run;

    private DrillDefinition Drill => run.Drill;

    private TimeSpan Duration => TimeSpan.FromSeconds(run.Parameters.DurationSeconds);

    public async Task RunAsync()
    {
        metrics.Started(Drill.Name!);
        Task loops = Task.CompletedTask;
        try
        {
            run.StartedAt = timeProvider.GetUtcNow();
            await BoundedAsync(token => store.MarkRunningAsync(run.RunId, owner, run.StartedAt, token), "mark the run running");
            run.AuditHeadAtStart = await ReadAuditHeadAsync();
            loops = Task.WhenAll(SignalLoopAsync(_loops.Token), CheckLoopAsync(_loops.Token));

            if (Drill.Method!.OfType<WorkloadStep>().Any())
            {
                await PrepareWorkloadAsync();
            }

            if (!run.Stopping.IsCancellationRequested && await CheckAllAsync(DrillCheckPhases.Before) is { Length: > 0 } before)
            {
                run.TryStop(DrillRunStates.Failed, $"The steady state did not hold before the method: {Describe(before)}.");
            }

            await RunMethodAsync();
            await _methodEnded.CancelAsync();
            await Task.WhenAll(_backgroundWorkloads).WaitAsync(run.Stopping).ContinueWith(_ => { }, TaskScheduler.Default);

            if (!run.Stopping.IsCancellationRequested)
            {
                await CheckAllAsync(DrillCheckPhases.After);
                await WaitForDrAsync();
            }
        }
        catch (OperationCanceledException) when (run.Stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogRunError(logger, run.RunId, ex);
            run.TryStop(DrillRunStates.Failed, $"The run could not go on: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            await _methodEnded.CancelAsync();
            await EndAsync(loops);
        }
    }

    private async Task PrepareWorkloadAsync()
    {
        var plan = Drill.Method!.OfType<WorkloadStep>().First();
        var accounts = Drill.Method!.OfType<WorkloadStep>().Max(step => step.Accounts);
        try
        {
            run.Workload = await workloads.PrepareAsync(run.RunId, new WorkloadPlan(RateOf(plan), plan.Clients, accounts), run.StartedAt, run.Stopping);
            run.Workload.RequestFinished += metrics.Request;
        }
        catch (WorkloadPreparationException ex)
        {
            run.TryStop(DrillRunStates.Failed, $"The workload could not open and fund its accounts: {ex.Message}");
        }
    }

    private async Task RunMethodAsync()
    {
        var method = Drill.Method!;
        for (var i = 0; i < method.Length; i++)
        {
            var step = method[i]!;
            var description = DrillStepRunner.Describe(step, Drill);
            var started = timeProvider.GetUtcNow();
            if (run.Stopping.IsCancellationRequested)
            {
                run.Step(new DrillStepRecord(i, DrillStepOutcomes.MethodPhase, DrillStepKinds.Of(step), description, started, started, DrillStepOutcomes.Skipped, "the run had stopped"));
                continue;
            }

            string outcome = DrillStepOutcomes.Done, detail;
            try
            {
                detail = await RunStepAsync(step, i);
            }
            catch (OperationCanceledException) when (run.Stopping.IsCancellationRequested)
            {
                (outcome, detail) = (DrillStepOutcomes.Stopped, $"stopped: {run.StopReason}");
            }
            catch (ChaosHaltedException)
            {
                (outcome, detail) = (DrillStepOutcomes.Failed, "refused: the halt is engaged");
                run.TryStop(DrillRunStates.Aborted, "The halt is engaged: the drill may not enable chaos.");
            }
            catch (RedisException ex)
            {
                (outcome, detail) = (DrillStepOutcomes.Failed, $"Redis: {ex.Message}");
                run.TryStop(DrillRunStates.Failed, $"Step {i} ({description}) failed: Redis is unreachable ({ex.Message}).");
            }
            catch (Exception ex) when (ex is DrUnavailableException or DrConflictException or RegionDatabaseUnavailableException)
            {
                (outcome, detail) = (DrillStepOutcomes.Failed, ex.Message);
                run.TryStop(DrillRunStates.Failed, $"Step {i} ({description}) failed: {ex.Message}");
            }

            run.Step(new DrillStepRecord(i, DrillStepOutcomes.MethodPhase, DrillStepKinds.Of(step), description, started, timeProvider.GetUtcNow(), outcome, detail));
            if (step is EnableStep or BulkEnableStep)
            {
                run.LastChaosEnabledAt = timeProvider.GetUtcNow();
                // Who must roll back what is saved at once, not at the next renewal: the owner may die any moment.
                await RenewAsync();
            }
        }
    }

    private async Task<string> RunStepAsync(DrillStep step, int index)
    {
        switch (step)
        {
            case EnableStep { Body: { } body }:
                return await steps.EnableAsync(run, [body], Remaining());
            case BulkEnableStep { Body: { } bodies }:
                return await steps.EnableAsync(run, [.. bodies.OfType<EnableChaosRequest>()], Remaining());
            case WaitStep { Rest: true }:
                var rest = run.StartedAt + Duration - TimeSpan.FromSeconds(DrillMethodLength.FixedSecondsAfter(Drill, index)) - timeProvider.GetUtcNow();
                await DelayAsync(rest);
                return $"waited {Math.Max(0, rest.TotalSeconds):0.#} s";
            case WaitStep { Seconds: { } seconds }:
                await DelayAsync(TimeSpan.FromSeconds(seconds));
                return $"waited {seconds} s";
            case WorkloadStep workload when run.Workload is { } bank:
                var duration = workload.DurationSeconds is { } s ? TimeSpan.FromSeconds(s) : (TimeSpan?)null;
                if (workload.Background)
                {
                    // Without a duration it runs until the method ends; with one, for that long; either way no longer than the run.
                    var until = workload.DurationSeconds is null ? _methodEnded.Token : run.Stopping;
                    _backgroundWorkloads.Add(bank.RunAsync(RateOf(workload), workload.Clients, duration, until));
                    return $"started at {RateOf(workload)}/s";
                }

                await bank.RunAsync(RateOf(workload), workload.Clients, duration, run.Stopping);
                run.Stopping.ThrowIfCancellationRequested();
                return DrillStepRunner.WorkloadDone(bank.Summary());
            case InjectStep inject:
                return await steps.InjectAsync(inject, inject.Service ?? Drill.Target!, run.Stopping);
            case DisableStep { Service: { } service }:
                return await steps.DisableAsync(run, [service], "DrillDisableChaos");
            case DisableAllStep:
                return await steps.DisableAllAsync(run);
            case FailoverStep failover:
                return await failovers.FailoverAsync(run, failover, run.Stopping);
            case FailbackStep:
                return await failovers.FailbackAsync(run, run.Stopping);
            default:
                return "nothing to do";
        }
    }

    private int RateOf(WorkloadStep step) => run.Parameters.RatePerSecond ?? step.RatePerSecond!.Value;

    private TimeSpan Remaining() => run.StartedAt + Duration - timeProvider.GetUtcNow() is var left && left > TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1);

    private Task DelayAsync(TimeSpan delay) => delay > TimeSpan.Zero ? Task.Delay(delay, timeProvider, run.Stopping) : Task.CompletedTask;

    /// <summary>Every probe once; returns the violated ones.</summary>
    private async Task<(DrillProbe Probe, ProbeOutcome Outcome)[]> CheckAllAsync(string phase)
    {
        var results = await Task.WhenAll(Drill.Hypothesis!.Probes!.OfType<DrillProbe>().Where(probe => probe.IsCheckedIn(phase)).Select(async probe =>
        {
            ProbeOutcome outcome;
            try
            {
                outcome = await probes.EvaluateAsync(probe, run, phase, _loops.Token);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                outcome = ProbeOutcome.Violated($"the probe could not be evaluated: {ex.GetType().Name}: {ex.Message}");
            }

            run.Check(new DrillCheckRecord(timeProvider.GetUtcNow(), phase, probe.Name!, DrillProbeKinds.Of(probe), outcome.Outcome, outcome.Detail));
            return (Probe: probe, Outcome: outcome);
        }));
        return [.. results.Where(result => result.Outcome.Outcome == DrillCheckPhases.Violated)];
    }

    private async Task CheckLoopAsync(CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromSeconds(Drill.Hypothesis!.CheckIntervalSeconds);
        var abortAfter = Drill.AbortWhen!.ConsecutiveProbeFailures;
        try
        {
            while (!run.Stopping.IsCancellationRequested && !_methodEnded.IsCancellationRequested)
            {
                await Task.Delay(interval, timeProvider, cancellationToken);
                if (_methodEnded.IsCancellationRequested)
                {
                    return;
                }

                var violated = await CheckAllAsync(DrillCheckPhases.During);
                foreach (var probe in Drill.Hypothesis.Probes!.OfType<DrillProbe>())
                {
                    var failure = violated.FirstOrDefault(result => result.Probe == probe);
                    _consecutiveFailures[probe.Name!] = failure.Probe is null ? 0 : _consecutiveFailures.GetValueOrDefault(probe.Name!) + 1;
                    if (failure.Probe is not null && probe is InvariantsProbe && Drill.AbortWhen.InvariantViolated)
                    {
                        run.TryStop(DrillRunStates.Failed, $"A money invariant was violated (probe '{probe.Name}'): {failure.Outcome.Detail}");
                    }
                    else if (failure.Probe is not null && _consecutiveFailures[probe.Name!] >= abortAfter)
                    {
                        run.TryStop(DrillRunStates.Failed, $"Probe '{probe.Name}' failed {abortAfter} checks in a row: {failure.Outcome.Detail}");
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Each second: outside stops (Redis), the lease, the workload's error rate, the deadline.</summary>
    private async Task SignalLoopAsync(CancellationToken cancellationToken)
    {
        var deadline = run.StartedAt + Duration + _options.DeadlineGrace;
        var nextRenewal = timeProvider.GetUtcNow() + _options.LeaseRenewal;
        var signalFailures = 0;
        var secondsAboveErrorRate = 0;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(SignalInterval, timeProvider, cancellationToken);
                try
                {
                    if (await signals.ReadAsync(run.RunId, run.CreatedAt) is { } signal)
                    {
                        run.TryStop(DrillRunStates.Aborted, signal.Describe());
                    }

                    signalFailures = 0;
                }
                catch (RedisException ex) when (++signalFailures >= SignalFailuresBeforeAbort)
                {
                    run.TryStop(DrillRunStates.Aborted, $"Redis, where a drill is stopped, has been unreachable for {signalFailures} s: {ex.Message}");
                }
                catch (RedisException)
                {
                }

                var now = timeProvider.GetUtcNow();
                if (now >= nextRenewal)
                {
                    nextRenewal = now + _options.LeaseRenewal;
                    await RenewAsync();
                }

                if (Drill.AbortWhen!.WorkloadErrorRate is { Above: { } above, ForSeconds: { } forSeconds } && run.Workload is { IsRunning: true } workload)
                {
                    var second = workload.Window(SignalInterval);
                    secondsAboveErrorRate = second.ErrorRate > above ? secondsAboveErrorRate + 1 : 0;
                    if (secondsAboveErrorRate >= forSeconds)
                    {
                        run.TryStop(DrillRunStates.Failed, $"The workload's error rate stayed above {above:P0} for {forSeconds} s (last second: {second.ErrorRate:P1} of {second.Requests} requests).");
                    }
                }

                if (now >= deadline && !_methodEnded.IsCancellationRequested)
                {
                    run.TryStop(DrillRunStates.Failed, $"The run's deadline passed ({run.Parameters.DurationSeconds} s + {_options.DeadlineGrace.TotalSeconds:0} s grace) before its method ended.");
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task RenewAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(StoreTimeout);
            await run.SaveAsync(store, timeout.Token);
            if (!await store.RenewAsync(run.RunId, owner, _options.Lease, run.EnabledServices, run.Evidence(), timeout.Token))
            {
                run.TryStop(DrillRunStates.Aborted, "This manager replica lost the run's lease (another replica took it over).", leaseLost: true);
            }
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            // The control plane's database is away: the run goes on (stopping it needs only Redis) and saves later.
            LogSaveDeferred(logger, run.RunId, ex.Message);
        }
    }

    private async Task WaitForDrAsync()
    {
        if (run.Workload is not { } workload)
        {
            return;
        }

        try
        {
            var (result, seconds) = await invariants.WaitForDrConvergenceAsync(workload, _options.DrConvergenceBound, _loops.Token);
            run.DrConvergenceSeconds = seconds;
            run.RecordInvariants([result]);
            if (!result.Holds)
            {
                metrics.Violated(result.Invariant);
            }
        }
        catch (LedgerUnreachableException ex)
        {
            run.RecordInvariants([new InvariantResult(LedgerInvariantNames.DrConverges, timeProvider.GetUtcNow(), false,
                $"DR's convergence could not be checked: {ex.Message}", [], [])]);
        }
    }

    private async Task EndAsync(Task loops)
    {
        await RollbackAsync();
        await _loops.CancelAsync();
        await loops.ContinueWith(_ => { }, TaskScheduler.Default);
        await Task.WhenAll(_backgroundWorkloads).WaitAsync(EndBound, timeProvider).ContinueWith(_ => { }, TaskScheduler.Default);

        if (run.StopState is not null && run.Workload is { } workload && !run.LeaseLost)
        {
            // Stopped early: money must still add up. Checked once more, after the workload stopped.
            try
            {
                using var bound = new CancellationTokenSource(EndBound);
                var results = await invariants.CheckAsync(workload, final: true, bound.Token);
                run.RecordInvariants(results);
            }
            catch (Exception ex) when (ex is LedgerUnreachableException or OperationCanceledException)
            {
                LogFinalInvariantsSkipped(logger, run.RunId, ex.Message);
            }
        }

        foreach (var violation in run.Invariants.Where(result => !result.Holds))
        {
            metrics.Violated(violation.Invariant);
        }

        var (state, reason) = Verdict();
        run.AuditHeadAtEnd = await ReadAuditHeadAsync();
        metrics.Ended(Drill.Name!, state);
        if (run.LeaseLost)
        {
            LogLeaseLost(logger, run.RunId);
            return;
        }

        var completed = await BoundedAsync(async token =>
        {
            await run.SaveAsync(store, token);
            return await store.CompleteAsync(run.RunId, owner, state, reason, timeProvider.GetUtcNow(), run.EnabledServices, run.Evidence(), token);
        }, "record the run's verdict", Timeout.InfiniteTimeSpan);
        await audit.RecordAsync(new AuditRecord(run.StartedBy, run.StartedByRole, "DrillRunEnded", Drill.Target, null, null,
            StatusCodes.Status200OK, $"Run {run.RunId} of drill '{Drill.Name}' {state}: {reason}"));
        LogRunEnded(logger, run.RunId, Drill.Name!, state, reason, completed);
    }

    /// <summary>Always: every experiment the run enabled off, then the drill's own rollback steps. Never cut short by the stop.</summary>
    private async Task RollbackAsync()
    {
        using var bound = new CancellationTokenSource(EndBound);
        foreach (var record in await steps.RollBackAsync(run, bound.Token))
        {
            run.Step(record);
        }
    }

    private (string State, string Reason) Verdict()
    {
        if (run.StopState is { } stopped)
        {
            return (stopped, run.StopReason!);
        }

        var checks = run.Checks;
        var violatedProbes = checks.Where(check => check.Outcome == DrillCheckPhases.Violated).GroupBy(check => check.Probe, StringComparer.Ordinal).ToArray();
        var violatedInvariants = run.Invariants.Where(result => !result.Holds).GroupBy(result => result.Invariant, StringComparer.Ordinal).ToArray();
        if (violatedProbes.Length == 0 && violatedInvariants.Length == 0)
        {
            return (DrillRunStates.Passed, $"The hypothesis held: {checks.Count(check => check.Outcome == DrillCheckPhases.Held)} checks held before, during and after" +
                (run.Workload is null ? "." : $"; every money invariant held{(run.DrConvergenceSeconds is { } seconds ? $", DR converged in {seconds:0.0} s" : string.Empty)}."));
        }

        var reasons = violatedProbes.Select(group =>
                $"probe '{group.Key}' violated in {group.Count()} of {checks.Count(check => check.Probe == group.Key)} checks ({string.Join("/", group.Select(check => check.Phase).Distinct())}): {group.First().Detail}")
            .Concat(violatedInvariants.Select(group => $"invariant '{group.Key}' violated: {group.First().Evidence}"));
        return (DrillRunStates.Failed, $"The hypothesis did not hold: {string.Join("; ", reasons)}");
    }

    private static string Describe(IEnumerable<(DrillProbe Probe, ProbeOutcome Outcome)> violated) =>
        string.Join("; ", violated.Select(result => $"probe '{result.Probe.Name}': {result.Outcome.Detail}"));

    private async Task<AuditHead?> ReadAuditHeadAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(StoreTimeout);
            return await auditHead.ReadHeadAsync(timeout.Token) is { } head ? new AuditHead(head.Id, head.Hash) : null;
        }
        catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>
    /// Tries <paramref name="action"/> until it answers or <paramref name="bound"/> passes (infinite: until the manager
    /// stops — a verdict is never dropped while the database is away; the lease then hands it to another replica).
    /// </summary>
    private async Task<bool> BoundedAsync(Func<CancellationToken, Task<bool>> action, string what, TimeSpan? bound = null)
    {
        var until = bound == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : timeProvider.GetUtcNow() + (bound ?? StoreTimeout);
        while (true)
        {
            try
            {
                using var timeout = new CancellationTokenSource(StoreTimeout);
                return await action(timeout.Token);
            }
            catch (Exception ex) when (ex is Npgsql.NpgsqlException or OperationCanceledException or TimeoutException)
            {
                if (timeProvider.GetUtcNow() >= until || lifetime.ApplicationStopping.IsCancellationRequested)
                {
                    LogStoreFailed(logger, run.RunId, what, ex.Message);
                    return false;
                }

                await Task.Delay(SignalInterval, timeProvider, lifetime.ApplicationStopping).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    public void Dispose()
    {
        _methodEnded.Dispose();
        _loops.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Drill run {RunId} failed unexpectedly.")]
    private static partial void LogRunError(ILogger logger, string runId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drill run {RunId}: saving deferred, the control plane's database is unavailable ({Reason}).")]
    private static partial void LogSaveDeferred(ILogger logger, string runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drill run {RunId}: could not {What} ({Reason}).")]
    private static partial void LogStoreFailed(ILogger logger, string runId, string what, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drill run {RunId}: the final invariant check was skipped ({Reason}).")]
    private static partial void LogFinalInvariantsSkipped(ILogger logger, string runId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Drill run {RunId}: this replica lost its lease; chaos rolled back here, the replica that took it over records its end.")]
    private static partial void LogLeaseLost(ILogger logger, string runId);

    [LoggerMessage(Level = LogLevel.Information, Message = "DRILL_RUN_ENDED run={RunId} drill={Drill} state={State} reason={Reason} recorded={Recorded}")]
    private static partial void LogRunEnded(ILogger logger, string runId, string drill, string state, string reason, bool recorded);
}
