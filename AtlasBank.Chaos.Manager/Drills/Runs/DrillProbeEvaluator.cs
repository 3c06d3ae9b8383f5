using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Probes;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Evaluates one hypothesis probe once. HTTP probes call without the chaos handler (as the inject probe does), so
/// they see the service itself; the workload and invariants probes read the run's own workload; the replication
/// probe asks DR's ledger; the drift probe reads the agent's latest drift report from Redis. Every wait is bounded.
/// </summary>
public sealed class DrillProbeEvaluator(
    ChaosProbeClient probeClient,
    LedgerInvariantChecker invariants,
    IConnectionMultiplexer redis,
    IConfiguration configuration,
    TimeProvider timeProvider)
{
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>DR's ledger, by its service-discovery name.</summary>
    public const string DrStatusUrl = "http://ledgerapi-dr/dr/status";

    private static readonly JsonSerializerOptions CaseInsensitive = new() { PropertyNameCaseInsensitive = true };

    private string DriftKey => (configuration["Shadow:KeyPrefix"] ?? Contracts.Shadow.ShadowRedisKeys.DefaultPrefix) + "drift:latest";

    public async Task<ProbeOutcome> EvaluateAsync(DrillProbe probe, DrillRunContext run, string phase, CancellationToken cancellationToken) =>
        probe switch
        {
            HttpProbe http => await HttpAsync(http, run, cancellationToken),
            WorkloadProbe workload => Workload(workload, run),
            InvariantsProbe => await InvariantsAsync(run, phase, cancellationToken),
            ReplicationProbe => await ReplicationAsync(cancellationToken),
            DriftProbe drift => await DriftAsync(drift),
            FailoverProbe failover => Failover(failover, run, phase),
            _ => throw new ArgumentOutOfRangeException(nameof(probe), probe.GetType().Name, "Not a known probe."),
        };

    private async Task<ProbeOutcome> HttpAsync(HttpProbe probe, DrillRunContext run, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        string? error = null;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(CallTimeout);
            try
            {
                using var response = await probeClient.Http.GetAsync(probe.Url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
                status = (int)response.StatusCode;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                error = $"no answer within {CallTimeout.TotalSeconds:0} s";
            }
            catch (HttpRequestException ex)
            {
                error = ex.Message;
            }
        }

        var latencyMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var now = timeProvider.GetUtcNow();
        var p99 = run.HttpLatencies(probe.Name!).Add(now, latencyMs, TimeSpan.FromSeconds(probe.WindowSeconds));
        var latency = $"p99 {Ms(p99)} over {probe.WindowSeconds} s";
        if (status != probe.ExpectedStatus)
        {
            return ProbeOutcome.Violated($"{probe.Url} answered {(status?.ToString(CultureInfo.InvariantCulture) ?? error)}, expected {probe.ExpectedStatus}; {latency}");
        }

        return probe.MaxP99Ms is { } max && p99 > max
            ? ProbeOutcome.Violated($"{probe.Url} {latency}, above the tolerance of {max} ms")
            : ProbeOutcome.Held($"{probe.Url} answered {status}; {latency}{(probe.MaxP99Ms is { } tolerance ? $" (tolerance {tolerance} ms)" : string.Empty)}");
    }

    private static ProbeOutcome Failover(FailoverProbe probe, DrillRunContext run, string phase)
    {
        if (run.Failover is not { } failover)
        {
            return phase == DrillCheckPhases.After ? ProbeOutcome.Violated("the run never failed over") : ProbeOutcome.Skipped("no failover yet");
        }

        var rto = failover.RtoFirstWriteSeconds;
        var measured = string.Create(CultureInfo.InvariantCulture,
            $"RTO to the first write {(rto is { } seconds ? $"{seconds:0.00} s" : "not measured yet")}, RPO {failover.RpoTransactions} transfers ({failover.RpoSource})");
        if (probe.MaxRpoTransactions is { } maxRpo && (failover.RpoSource == RpoSources.Unknown || failover.RpoTransactions > maxRpo))
        {
            return ProbeOutcome.Violated($"{measured}; RPO above the tolerance of {maxRpo} transfers or unknown");
        }

        if (probe.MaxRtoSeconds is { } maxRto)
        {
            if (rto is null)
            {
                return phase == DrillCheckPhases.After ? ProbeOutcome.Violated($"{measured}: no transfer succeeded through the logical ledger name after promotion") : ProbeOutcome.Skipped(measured);
            }

            if (rto > maxRto)
            {
                return ProbeOutcome.Violated(string.Create(CultureInfo.InvariantCulture, $"{measured}; RTO above the tolerance of {maxRto} s"));
            }
        }

        return ProbeOutcome.Held(measured);
    }

    private static ProbeOutcome Workload(WorkloadProbe probe, DrillRunContext run)
    {
        if (run.Workload is not { } workload)
        {
            return ProbeOutcome.Skipped("the workload has not started");
        }

        var window = workload.Window(TimeSpan.FromSeconds(probe.WindowSeconds));
        if (window.Requests == 0)
        {
            return ProbeOutcome.Skipped($"no workload requests finished in the last {probe.WindowSeconds} s");
        }

        var measured = $"{window.Requests} requests in {probe.WindowSeconds} s: error rate {window.ErrorRate:P1}, p99 {Ms(window.P99Ms)}";
        if (probe.MaxErrorRate is { } maxRate && window.ErrorRate > maxRate)
        {
            return ProbeOutcome.Violated($"{measured}; error rate above the tolerance of {maxRate:P1}");
        }

        return probe.MaxP99Ms is { } maxP99 && window.P99Ms > maxP99
            ? ProbeOutcome.Violated($"{measured}; p99 above the tolerance of {maxP99} ms")
            : ProbeOutcome.Held(measured);
    }

    private async Task<ProbeOutcome> InvariantsAsync(DrillRunContext run, string phase, CancellationToken cancellationToken)
    {
        if (run.Workload is not { } workload)
        {
            return ProbeOutcome.Skipped("the workload has not made its accounts yet");
        }

        IReadOnlyList<InvariantResult> results;
        try
        {
            results = await invariants.CheckAsync(workload, final: phase == DrillCheckPhases.After, cancellationToken);
        }
        catch (LedgerUnreachableException ex) when (phase == DrillCheckPhases.During)
        {
            // An outage of the writer's database is what some drills cause: unknown now, not money lost. Before and after
            // the method the evidence must be there.
            return ProbeOutcome.Skipped($"unknown: could not read the ledger to check the invariants now ({ex.Message})");
        }
        catch (LedgerUnreachableException ex)
        {
            return ProbeOutcome.Violated($"could not read the ledger to check the invariants: {ex.Message}");
        }

        run.RecordInvariants(results);
        var violated = results.Where(result => !result.Holds).ToArray();
        return violated.Length == 0
            ? ProbeOutcome.Held($"{string.Join(", ", results.Select(result => result.Invariant))} hold")
            : ProbeOutcome.Violated(string.Join("; ", violated.Select(result => $"{result.Invariant}: {result.Evidence}")));
    }

    private async Task<ProbeOutcome> ReplicationAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            var status = await probeClient.Http.GetFromJsonAsync<DrReplicationStatus>(DrStatusUrl, CaseInsensitive, timeout.Token);
            return status switch
            {
                { Healthy: true } => ProbeOutcome.Held($"DR replication healthy (lag {status.LagBytes?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} bytes)"),
                { UnhealthyReason: { } reason } => ProbeOutcome.Violated($"DR replication unhealthy: {reason}"),
                _ => ProbeOutcome.Violated("DR replication is not reported healthy"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ProbeOutcome.Violated($"DR's /dr/status did not answer within {CallTimeout.TotalSeconds:0} s");
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException)
        {
            return ProbeOutcome.Violated($"DR's /dr/status could not be read: {ex.Message}");
        }
    }

    private async Task<ProbeOutcome> DriftAsync(DriftProbe probe)
    {
        RedisValue value;
        try
        {
            value = await redis.GetDatabase().StringGetAsync(DriftKey);
        }
        catch (RedisException ex)
        {
            return ProbeOutcome.Violated($"the agent's drift report could not be read from Redis: {ex.Message}");
        }

        if (!value.HasValue || JsonSerializer.Deserialize<DriftSnapshot>(value.ToString(), CaseInsensitive) is not { } drift)
        {
            return ProbeOutcome.Skipped("the agent has made no drift validation yet");
        }

        var measured = $"drift {drift.DriftAboveNoise:P1} above the noise floor over {drift.Compared} comparisons (validated {drift.At:u})";
        return drift.DriftAboveNoise > probe.MaxDriftRate
            ? ProbeOutcome.Violated($"{measured}, above the tolerance of {probe.MaxDriftRate:P1}")
            : ProbeOutcome.Held(measured);
    }

    private static string Ms(double? value) => value is { } ms ? $"{ms:0} ms" : "n/a";

    private sealed record DrReplicationStatus(bool? Healthy, string? UnhealthyReason, long? LagBytes);

    private sealed record DriftSnapshot(DateTimeOffset At, long Compared, double DriftAboveNoise);
}
