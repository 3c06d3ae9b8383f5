using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Benchmarks.WorkloadMemory;

/// <summary>
/// The workload log as it was before its memory was bounded (commit c02257b, kept verbatim but for its name): every
/// finished request of a run in one list, every view a scan of it. Here only to be measured beside the new one.
/// </summary>
internal sealed class ListWorkloadLog(DateTimeOffset runStartedAt, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly List<WorkloadRequest> _finished = [];
    private long _acknowledged;
    private long _rejected;
    private long _unknown;

    public DateTimeOffset RunStartedAt => runStartedAt;

    /// <summary>
    /// Records a request that has just finished; its end is read under the lock, so the log stays in the order
    /// requests finished and a window can stop at the first older one.
    /// </summary>
    public WorkloadRequest Record(string idempotencyKey, Guid from, Guid to, decimal amount, DateTimeOffset dueAt, LedgerTransferResult result)
    {
        lock (_gate)
        {
            var latency = (timeProvider.GetUtcNow() - dueAt).TotalMilliseconds;
            var request = new WorkloadRequest(idempotencyKey, from, to, amount, result.Outcome, result.TransferId, dueAt, Math.Max(0, latency), result.Detail);
            _finished.Add(request);
            switch (request.Outcome)
            {
                case WorkloadOutcomes.Acknowledged: _acknowledged++; break;
                case WorkloadOutcomes.Rejected: _rejected++; break;
                default: _unknown++; break;
            }

            return request;
        }
    }

    public IReadOnlyList<WorkloadRequest> Requests()
    {
        lock (_gate)
        {
            return [.. _finished];
        }
    }

    public (long Acknowledged, long Rejected, long Unknown) Counts()
    {
        lock (_gate)
        {
            return (_acknowledged, _rejected, _unknown);
        }
    }

    /// <summary>The requests that finished after <paramref name="since"/>.</summary>
    public WorkloadWindow Window(DateTimeOffset since)
    {
        var latencies = new List<double>();
        var errors = 0;
        lock (_gate)
        {
            for (var i = _finished.Count - 1; i >= 0 && _finished[i].FinishedAt > since; i--)
            {
                latencies.Add(_finished[i].LatencyMs);
                errors += _finished[i].Outcome == WorkloadOutcomes.Acknowledged ? 0 : 1;
            }
        }

        latencies.Sort();
        return latencies.Count == 0
            ? new WorkloadWindow(0, null, null)
            : new WorkloadWindow(latencies.Count, (double)errors / latencies.Count, Percentiles.Of(latencies, 99));
    }

    /// <summary>
    /// One entry per second from the run's start up to the second of the last finished request, or of
    /// <paramref name="until"/> when later (while the workload runs); seconds without requests are zeros.
    /// </summary>
    public IReadOnlyList<WorkloadSecond> Timeline(DateTimeOffset? until)
    {
        var requests = Requests();
        var last = requests.Count == 0 ? -1 : SecondOf(requests[^1].FinishedAt);
        if (until is { } now)
        {
            last = Math.Max(last, SecondOf(now));
        }

        var seconds = new List<WorkloadSecond>(last + 1);
        var next = 0;
        for (var second = 0; second <= last; second++)
        {
            var (acknowledged, rejected, unknown) = (0, 0, 0);
            var latencies = new List<double>();
            for (; next < requests.Count && SecondOf(requests[next].FinishedAt) <= second; next++)
            {
                var request = requests[next];
                latencies.Add(request.LatencyMs);
                switch (request.Outcome)
                {
                    case WorkloadOutcomes.Acknowledged: acknowledged++; break;
                    case WorkloadOutcomes.Rejected: rejected++; break;
                    default: unknown++; break;
                }
            }

            latencies.Sort();
            seconds.Add(new WorkloadSecond(second, acknowledged, rejected, unknown, Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99)));
        }

        return seconds;
    }

    /// <summary>p50 and p99 over every request so far.</summary>
    public (double? P50Ms, double? P99Ms) Latency()
    {
        var latencies = Requests().Select(request => request.LatencyMs).ToList();
        latencies.Sort();
        return (Percentiles.Of(latencies, 50), Percentiles.Of(latencies, 99));
    }

    /// <summary>Seconds since the run's start; anything before it (a clock step) counts as second 0.</summary>
    private int SecondOf(DateTimeOffset at) => Math.Max(0, (int)Math.Floor((at - runStartedAt).TotalSeconds));
}
