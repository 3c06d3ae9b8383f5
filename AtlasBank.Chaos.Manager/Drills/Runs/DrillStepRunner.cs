using System.Globalization;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Does what one step says, exactly as the chaos API would (same store, same injector, same audit), and returns
/// what happened in a sentence for the step's record. Every chaos change a drill makes is audited under the key
/// that started the run.
/// </summary>
public sealed class DrillStepRunner(
    ChaosStore chaos,
    ChaosInjector injector,
    ChaosManagerMetrics chaosMetrics,
    AuditTrail audit,
    DrillFailoverSteps failovers,
    IOptions<ChaosManagerOptions> chaosOptions,
    TimeProvider timeProvider)
{
    /// <summary>How many inject calls of one burst may be in flight at once (a slow target must not pile them up).</summary>
    public const int MaxInjectsInFlight = 8;

    private const string RollbackDisableOperation = "DrillRollbackDisableChaos";

    public static string Describe(DrillStep step, DrillDefinition drill) => step switch
    {
        EnableStep { Body: { } body } => $"enable {body.Mode} chaos on {body.Service}{ChaosOf(body)}",
        BulkEnableStep { Body: { } bodies } => $"bulk-enable {string.Join(", ", bodies.OfType<EnableChaosRequest>().Select(body => $"{body.Service} ({body.Mode}{ChaosOf(body)})"))}",
        WaitStep { Rest: true } => "wait for the rest of the run",
        WaitStep { Seconds: { } seconds } => $"wait {seconds} s",
        WorkloadStep workload => $"{(workload.Background ? "background " : string.Empty)}workload: {workload.Clients} clients over {workload.Accounts} accounts{(workload.DurationSeconds is { } seconds ? $" for {seconds} s" : " until the method ends")}",
        InjectStep inject => $"inject {inject.Count} × into {inject.Service ?? drill.Target}{(inject.IntervalMs > 0 ? $", {inject.IntervalMs} ms apart" : string.Empty)}",
        DisableStep { Service: { } service } => $"disable chaos on {service}",
        DisableAllStep => "disable all chaos",
        FailoverStep { Automatic: true } failover => $"fail over once the active region is found down (at most {failover.DetectionTimeoutSeconds} s)",
        FailoverStep => "fail over now (manual promotion)",
        FailbackStep => "fail back: reconcile, rebuild region A, resubscribe DR, switch home",
        _ => DrillStepKinds.Of(step),
    };

    public async Task<string> EnableAsync(DrillRunContext run, IReadOnlyList<EnableChaosRequest> bodies, TimeSpan remaining)
    {
        var now = timeProvider.GetUtcNow();
        // A body without its own lease gets the run's remaining time: the chaos ends with the run even if nobody disables it.
        var leaseSeconds = (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 1, chaosOptions.Value.MaxDurationSeconds);
        var experiments = bodies.Select(body => ChaosExperiments.From(body, now, body.DurationSeconds ?? leaseSeconds)).ToArray();
        await chaos.EnableAsync(experiments);
        foreach (var experiment in experiments)
        {
            run.Enabled(experiment.Service, ChaosManagerMetrics.ModeName(experiment.Mode), now);
            await audit.RecordAsync(Record(run, "DrillEnableChaos", experiment.Service, JsonSerializer.Serialize(experiment, ChaosExperiment.JsonOptions),
                $"Run {run.RunId} of drill '{run.Drill.Name}' enabled {experiment.ExperimentId} until {experiment.ExpiresAt:u}."));
        }

        return $"enabled {string.Join(", ", experiments.Select(experiment => $"{experiment.Service} ({experiment.ExperimentId}, lease {(experiment.ExpiresAt - experiment.EnabledAt).TotalSeconds:0} s)"))}";
    }

    public async Task<string> DisableAsync(DrillRunContext run, IReadOnlyList<string> services, string operation)
    {
        var disabled = await chaos.DisableAsync(services);
        run.Disabled(services, timeProvider.GetUtcNow());
        foreach (var service in services)
        {
            await audit.RecordAsync(Record(run, operation, service, null,
                $"Run {run.RunId} of drill '{run.Drill.Name}' {(disabled.Contains(service) ? "disabled its chaos" : "found no active chaos to disable")}."));
        }

        return disabled.Count == services.Count
            ? $"disabled {string.Join(", ", services)}"
            : $"disabled {(disabled.Count == 0 ? "nothing" : string.Join(", ", disabled))}; no active chaos on {string.Join(", ", services.Except(disabled, StringComparer.Ordinal))}";
    }

    public async Task<string> DisableAllAsync(DrillRunContext run)
    {
        var disabled = await chaos.DisableAllAsync();
        run.Disabled([.. run.EnabledServices, .. disabled], timeProvider.GetUtcNow());
        await audit.RecordAsync(Record(run, "DrillDisableAllChaos", null, null,
            $"Run {run.RunId} of drill '{run.Drill.Name}' disabled all chaos: {(disabled.Count == 0 ? "none was active" : string.Join(", ", disabled))}."));
        return disabled.Count == 0 ? "no chaos was active" : $"disabled {string.Join(", ", disabled)}";
    }

    /// <summary>
    /// The spec's inject loop: one call every <c>IntervalMs</c>, each through the experiment's strategies, counted in the
    /// statistics as an API inject is. Calls start on the cadence whatever the target's latency (at most
    /// <see cref="MaxInjectsInFlight"/> at once), so the burst takes its planned time.
    /// </summary>
    public async Task<string> InjectAsync(InjectStep step, string service, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(MaxInjectsInFlight);
        var calls = new List<Task<InjectResult?>>();
        for (var i = 0; i < step.Count; i++)
        {
            if (i > 0 && step.IntervalMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(step.IntervalMs), timeProvider, cancellationToken);
            }

            await inFlight.WaitAsync(cancellationToken);
            calls.Add(InjectOnceAsync(service, inFlight, cancellationToken));
        }

        var results = await Task.WhenAll(calls);
        var made = results.OfType<InjectResult>().ToArray();
        if (made.Length == 0)
        {
            return $"no active chaos on {service}: nothing injected";
        }

        var latencies = made.Select(result => result.ElapsedMs).Order().ToArray();
        var example = made.FirstOrDefault(result => result.Error is not null)?.Error is { } error ? $"; e.g. {error}" : string.Empty;
        var missing = made.Length < results.Length ? $"; {results.Length - made.Length} found no active chaos" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture,
            $"{made.Length} injects into {service}: {made.Count(result => result.Success)} succeeded, {made.Count(result => !result.Success)} failed; {made.Sum(result => result.InjectedFaults)} faults and {made.Sum(result => result.InjectedLatencyCount)} delays injected; p50 {Percentiles.Of(latencies, 50):0} ms, max {latencies[^1]:0} ms{example}{missing}");
    }

    /// <summary>
    /// The rollback, as a run's owner and the orphan reaper both do it: every experiment the run enabled off, then the
    /// drill's own rollback steps, each recorded. Nothing but <paramref name="cancellationToken"/> cuts it short.
    /// </summary>
    public async Task<IReadOnlyList<DrillStepRecord>> RollBackAsync(DrillRunContext run, CancellationToken cancellationToken)
    {
        var records = new List<DrillStepRecord>();
        var enabled = run.EnabledServices;
        if (enabled.Count > 0)
        {
            records.Add(await RecordAsync(-1, DrillStepKinds.Disable, "disable every experiment the run enabled",
                () => DisableAsync(run, enabled, RollbackDisableOperation), "; the experiments' leases end them by the run's deadline"));
        }

        var rollback = run.Drill.Rollback ?? [];
        for (var i = 0; i < rollback.Length; i++)
        {
            var step = rollback[i]!;
            records.Add(await RecordAsync(i, DrillStepKinds.Of(step), Describe(step, run.Drill), step switch
            {
                // The run's time is over: a rollback's waits (settling time) are kept, its disables done.
                WaitStep { Seconds: { } seconds } => async () =>
                {
                    await Task.Delay(TimeSpan.FromSeconds(seconds), timeProvider, cancellationToken);
                    return $"waited {seconds} s";
                },
                DisableStep { Service: { } service } => () => DisableAsync(run, [service], RollbackDisableOperation),
                DisableAllStep => () => DisableAllAsync(run),
                FailbackStep when DrillFailoverSteps.OwesFailback(run) => () => failovers.FailbackAsync(run, cancellationToken),
                FailbackStep => () => Task.FromResult("nothing to fail back: the run did not fail over"),
                _ => () => Task.FromResult("nothing to do"),
            }));
        }

        if (DrillFailoverSteps.OwesFailback(run))
        {
            records.Add(await RecordAsync(-1, DrillStepKinds.Failback, "bring the writer home: the run failed over and did not fail back",
                () => failovers.FailbackAsync(run, cancellationToken)));
        }

        return records;
    }

    public static string WorkloadDone(WorkloadSummary summary) => string.Create(CultureInfo.InvariantCulture,
        $"{summary.Requests} requests: {summary.Acknowledged} acknowledged, {summary.Rejected} rejected, {summary.Unknown} unknown; {summary.ThroughputPerSecond:0.0}/s, p50 {summary.P50Ms:0} ms, p99 {summary.P99Ms:0} ms");

    private async Task<DrillStepRecord> RecordAsync(int index, string kind, string description, Func<Task<string>> action, string failureNote = "")
    {
        var started = timeProvider.GetUtcNow();
        string outcome = DrillStepOutcomes.Done, detail;
        try
        {
            detail = await action();
        }
        catch (RedisException ex)
        {
            (outcome, detail) = (DrillStepOutcomes.Failed, $"Redis: {ex.Message}{failureNote}");
        }
        catch (OperationCanceledException ex)
        {
            (outcome, detail) = (DrillStepOutcomes.Failed, ex.Message);
        }
        catch (Exception ex) when (ex is DrUnavailableException or DrConflictException or RegionDatabaseUnavailableException)
        {
            (outcome, detail) = (DrillStepOutcomes.Failed, ex.Message);
        }

        return new DrillStepRecord(index, DrillStepOutcomes.RollbackPhase, kind, description, started, timeProvider.GetUtcNow(), outcome, detail);
    }

    private async Task<InjectResult?> InjectOnceAsync(string service, SemaphoreSlim inFlight, CancellationToken cancellationToken)
    {
        try
        {
            if (await chaos.GetAsync(service) is not { } experiment)
            {
                return null;
            }

            var result = await injector.InjectAsync(experiment, cancellationToken);
            await chaos.RecordInjectAsync(experiment, result);
            chaosMetrics.Injected(result);
            return result;
        }
        finally
        {
            inFlight.Release();
        }
    }

    private static string ChaosOf(EnableChaosRequest body) => string.Create(CultureInfo.InvariantCulture,
        $"{(body.FailureRate is > 0 ? $", failure rate {body.FailureRate}" : string.Empty)}{(body.DelayMs is > 0 ? $", {body.DelayMs} ms" : string.Empty)}");

    private static AuditRecord Record(DrillRunContext run, string operation, string? service, string? body, string detail) =>
        new(run.StartedBy, run.StartedByRole, operation, service, body, null, StatusCodes.Status200OK, detail);
}
