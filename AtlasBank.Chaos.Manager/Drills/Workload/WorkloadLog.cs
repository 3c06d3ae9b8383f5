namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// What one run's finished requests come to, in memory that does not grow with the run's length: the totals, a
/// latency histogram of the whole run, the outcomes of the longest window a probe may ask for, one entry per second
/// of the timeline, the acknowledgements of the last minutes (for a failover's RPO) and the requests the invariants
/// have yet to look up. Thread-safe; readers get copies.
/// </summary>
internal sealed class WorkloadLog(DateTimeOffset runStartedAt, TimeProvider timeProvider, WorkloadOptions options)
{
    private readonly Lock _gate = new();
    private readonly LatencyHistogram _latency = new();
    private readonly RecentOutcomes _recent = new();
    private readonly WorkloadTimelineRecorder _timeline = new();
    private readonly RecentAcknowledgements _acknowledged = new(options.AcknowledgementsKept);
    private readonly UncheckedRequests _unchecked = new(options.UncheckedLimit);
    private long _acknowledgedCount;
    private long _rejectedCount;
    private long _unknownCount;

    public WorkloadLog(DateTimeOffset runStartedAt, TimeProvider timeProvider)
        : this(runStartedAt, timeProvider, new WorkloadOptions())
    {
    }

    public DateTimeOffset RunStartedAt => runStartedAt;

    /// <summary>
    /// Records a request that has just finished; its end is read under the lock, so everything is recorded in the
    /// order requests finished.
    /// </summary>
    public WorkloadRequest Record(string idempotencyKey, Guid from, Guid to, decimal amount, DateTimeOffset dueAt, LedgerTransferResult result)
    {
        lock (_gate)
        {
            var latency = (timeProvider.GetUtcNow() - dueAt).TotalMilliseconds;
            var request = new WorkloadRequest(idempotencyKey, from, to, amount, result.Outcome, result.TransferId, dueAt, Math.Max(0, latency), result.Detail);
            var finishedAt = request.FinishedAt;
            _latency.Add(request.LatencyMs);
            _recent.Add(finishedAt, request.LatencyMs, failed: request.Outcome != WorkloadOutcomes.Acknowledged);
            _timeline.Add(SecondOf(finishedAt), request.Outcome, request.LatencyMs, finishedAt);
            switch (request.Outcome)
            {
                case WorkloadOutcomes.Acknowledged:
                    _acknowledgedCount++;
                    _acknowledged.Add(request);
                    _unchecked.Add(request);
                    break;
                case WorkloadOutcomes.Rejected:
                    _rejectedCount++;
                    break;
                default:
                    _unknownCount++;
                    _unchecked.Add(request);
                    break;
            }

            return request;
        }
    }

    public (long Acknowledged, long Rejected, long Unknown) Counts()
    {
        lock (_gate)
        {
            return (_acknowledgedCount, _rejectedCount, _unknownCount);
        }
    }

    /// <summary>The requests that finished after <paramref name="since"/> (at most <see cref="RecentOutcomes.Kept"/> back).</summary>
    public WorkloadWindow Window(DateTimeOffset since)
    {
        lock (_gate)
        {
            return _recent.Window(since);
        }
    }

    /// <summary>
    /// One entry per second from the run's start up to the second of the last finished request, or of
    /// <paramref name="until"/> when later (while the workload runs); seconds without requests are zeros.
    /// </summary>
    public IReadOnlyList<WorkloadSecond> Timeline(DateTimeOffset? until)
    {
        lock (_gate)
        {
            return _timeline.Timeline(until is { } now ? SecondOf(now) : -1);
        }
    }

    /// <summary>p50 and p99 over every request so far (within 1.6 %: see <see cref="LatencyHistogram"/>).</summary>
    public (double? P50Ms, double? P99Ms) Latency()
    {
        lock (_gate)
        {
            return (_latency.Percentile(50), _latency.Percentile(99));
        }
    }

    /// <summary>The acknowledged and unknown requests no check has confirmed yet, and what earlier checks settled.</summary>
    public (IReadOnlyList<WorkloadRequest> Unchecked, EarlierChecks Earlier) Unchecked()
    {
        lock (_gate)
        {
            return (_unchecked.Waiting(), _unchecked.Earlier());
        }
    }

    /// <summary>Lets go of the acknowledgements a check found in the ledger once and as asked.</summary>
    public void Confirm(IReadOnlySet<WorkloadRequest> confirmed)
    {
        lock (_gate)
        {
            _unchecked.Confirm(confirmed);
        }
    }

    /// <summary>The acknowledgements kept in full (<see cref="WorkloadOptions.AcknowledgementsKept"/>) that carried a transfer id and finished by <paramref name="until"/>.</summary>
    public IReadOnlyList<WorkloadRequest> AcknowledgedUntil(DateTimeOffset until)
    {
        lock (_gate)
        {
            return _acknowledged.WithTransferIdUntil(until);
        }
    }

    /// <summary>
    /// When the first acknowledgement at or after <paramref name="since"/> finished: exact while the acknowledgements
    /// of that moment are kept; after that, the first of the following seconds (at most one second late).
    /// </summary>
    public DateTimeOffset? FirstAcknowledgedAtOrAfter(DateTimeOffset since)
    {
        lock (_gate)
        {
            DateTimeOffset?[] candidates = [_acknowledged.FirstAtOrAfter(since), _timeline.FirstAcknowledgedAfter(SecondOf(since))];
            return candidates.Min();
        }
    }

    /// <summary>Seconds since the run's start; anything before it (a clock step) counts as second 0.</summary>
    private int SecondOf(DateTimeOffset at) => Math.Max(0, (int)Math.Floor((at - runStartedAt).TotalSeconds));
}
