namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// One run's bank workload, after Jepsen's bank test: concurrent clients move small random amounts among the run's
/// accounts, each transfer under its own Idempotency-Key, and every request is recorded as acknowledged, rejected or
/// unknown. Made by <see cref="BankWorkloadFactory.PrepareAsync"/>.
/// </summary>
/// <remarks>
/// It runs in the manager, not in the agent: the manager owns the run (its lease, abort and rollback), reads the
/// workload's window for its probes and abort conditions every few seconds, and hands the recorded requests to the
/// invariant checker; in the agent all of that would cross a process boundary and could be lost with it. The manager
/// calls the ledger through the same ServiceDefaults HttpClient pipeline as any AtlasBank service
/// (<see cref="WorkloadLedgerClient"/>), so chaos on <c>ledger</c> hits the workload as it hits a real caller.
/// </remarks>
public sealed partial class BankWorkload
{
    private readonly string _runId;
    private readonly WorkloadLedgerClient _ledger;
    private readonly WorkloadLog _log;
    private readonly WorkloadOptions _options;
    private readonly Random _random;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<string> _fundingKeys;
    private readonly Lock _gate = new();
    private long _sequence;
    private int _running;
    private DateTimeOffset _runningSince;
    private TimeSpan _ranFor;
    private int _ratePerSecond;
    private int _clients;

    internal BankWorkload(
        string runId, WorkloadPlan plan, IReadOnlyList<Guid> accountIds, Guid fundingAccountId, IReadOnlyList<string> fundingKeys,
        decimal fundedTotal, DateTimeOffset runStartedAt, WorkloadLedgerClient ledger, WorkloadOptions options, Random random,
        TimeProvider timeProvider, ILogger logger)
    {
        _runId = runId;
        AccountIds = accountIds;
        FundingAccountId = fundingAccountId;
        _fundingKeys = fundingKeys;
        FundedTotal = fundedTotal;
        _ledger = ledger;
        _options = options;
        _random = random;
        _timeProvider = timeProvider;
        _logger = logger;
        _log = new WorkloadLog(runStartedAt, timeProvider, options);
        (_ratePerSecond, _clients) = (plan.RatePerSecond, plan.Clients);
    }

    /// <summary>The run's accounts, opened without overdraft and funded alike.</summary>
    public IReadOnlyList<Guid> AccountIds { get; }

    /// <summary>The run's funding account (overdraft allowed): where the accounts' money came from.</summary>
    public Guid FundingAccountId { get; }

    /// <summary>What the accounts were funded with in all: their total, which every transfer among them conserves.</summary>
    public decimal FundedTotal { get; }

    /// <summary>Second 0 of <see cref="Timeline"/>.</summary>
    public DateTimeOffset RunStartedAt => _log.RunStartedAt;

    public bool IsRunning => Volatile.Read(ref _running) > 0;

    /// <summary>
    /// Invoked with every finished request (its <see cref="WorkloadOutcomes"/> outcome and latency), on the thread that
    /// finished it. A handler that throws is logged and does not stop the workload.
    /// </summary>
    public event Action<WorkloadRequest>? RequestFinished;

    /// <summary>
    /// Runs one workload phase: <paramref name="clients"/> clients making <paramref name="ratePerSecond"/> transfers a
    /// second in all, open-loop (each request is due at its time whether or not earlier ones answered; beyond
    /// <see cref="WorkloadOptions.MaxInFlight"/> in flight a due request waits, and the wait counts as its latency).
    /// Stops scheduling after <paramref name="duration"/> (null: never) or when <paramref name="stop"/> is cancelled,
    /// then returns once every request in flight has finished or timed out. Phases may overlap.
    /// </summary>
    public async Task RunAsync(int ratePerSecond, int clients, TimeSpan? duration, CancellationToken stop)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ratePerSecond, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(clients, 1);
        if (duration is { } positive)
        {
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(positive, TimeSpan.Zero, nameof(duration));
        }

        var start = Started(ratePerSecond, clients);
        using var inFlight = new SemaphoreSlim(_options.MaxInFlight, _options.MaxInFlight);
        try
        {
            var end = start + duration;
            await Task.WhenAll(Enumerable.Range(0, clients).Select(client => PaceAsync(client, ratePerSecond, clients, start, end, inFlight, stop)));
            // Every request holds a slot until it finishes (bounded by the request timeout): taking all back is waiting for them.
            for (var slot = 0; slot < _options.MaxInFlight; slot++)
            {
                await inFlight.WaitAsync(CancellationToken.None);
            }
        }
        finally
        {
            Stopped();
        }
    }

    /// <summary>The requests that finished within the last <paramref name="window"/>.</summary>
    public WorkloadWindow Window(TimeSpan window) => _log.Window(_timeProvider.GetUtcNow() - window);

    /// <summary>Per second since <see cref="RunStartedAt"/>, up to the last finished request (up to now while running).</summary>
    public IReadOnlyList<WorkloadSecond> Timeline() => _log.Timeline(IsRunning ? _timeProvider.GetUtcNow() : null);

    /// <summary>The totals so far; <c>RatePerSecond</c> and <c>Clients</c> are the latest phase's.</summary>
    public WorkloadSummary Summary()
    {
        var (acknowledged, rejected, unknown) = _log.Counts();
        var (p50, p99) = _log.Latency();
        int rate, clients;
        TimeSpan ranFor;
        lock (_gate)
        {
            (rate, clients) = (_ratePerSecond, _clients);
            ranFor = _ranFor + (_running > 0 ? _timeProvider.GetUtcNow() - _runningSince : TimeSpan.Zero);
        }

        var throughput = ranFor > TimeSpan.Zero ? acknowledged / ranFor.TotalSeconds : 0;
        return new WorkloadSummary(AccountIds, FundingAccountId, FundedTotal, clients, rate,
            acknowledged + rejected + unknown, acknowledged, rejected, unknown, throughput, p50, p99);
    }

    /// <summary>
    /// What the invariants check the ledger against, as of now: the acknowledged and unknown requests no check has
    /// confirmed yet, and what earlier checks settled (<see cref="Confirm"/>).
    /// </summary>
    public WorkloadEvidence Evidence()
    {
        var (requests, earlier) = _log.Unchecked();
        return new(AccountIds, FundingAccountId, FundedTotal, _fundingKeys, requests, earlier);
    }

    /// <summary>Lets go of the acknowledgements a check of <see cref="Evidence"/> found in the ledger once and as asked.</summary>
    public void Confirm(IReadOnlySet<WorkloadRequest> confirmed) => _log.Confirm(confirmed);

    /// <summary>
    /// The acknowledgements that carried a transfer id and finished by <paramref name="until"/>, of those kept in full
    /// (<see cref="WorkloadOptions.AcknowledgementsKept"/>): what a failover at that moment may have lost.
    /// </summary>
    public IReadOnlyList<WorkloadRequest> AcknowledgedUntil(DateTimeOffset until) => _log.AcknowledgedUntil(until);

    /// <summary>When the first acknowledgement at or after <paramref name="since"/> finished (the first write after a promotion).</summary>
    public DateTimeOffset? FirstAcknowledgedAtOrAfter(DateTimeOffset since) => _log.FirstAcknowledgedAtOrAfter(since);

    private async Task PaceAsync(int client, int ratePerSecond, int clients, DateTimeOffset start, DateTimeOffset? end, SemaphoreSlim inFlight, CancellationToken stop)
    {
        // Client i sends at i/rate, then every clients/rate seconds: together, one request every 1/rate seconds.
        var interval = TimeSpan.FromTicks(TimeSpan.TicksPerSecond * clients / ratePerSecond);
        var due = start + TimeSpan.FromTicks(TimeSpan.TicksPerSecond * client / ratePerSecond);
        while (!stop.IsCancellationRequested && (end is null || due < end))
        {
            try
            {
                var wait = due - _timeProvider.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, _timeProvider, stop);
                }

                await inFlight.WaitAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            _ = SendAsync(due, inFlight);
            due += interval;
        }
    }

    private async Task SendAsync(DateTimeOffset due, SemaphoreSlim inFlight)
    {
        try
        {
            var (from, to, amount) = Draw();
            var key = $"drill-{_runId}-t{Interlocked.Increment(ref _sequence)}";
            // No cancellation: a request once sent is seen through (the client's timeout bounds it), or its outcome is lost.
            var result = await _ledger.TransferAsync(from, to, amount, key, CancellationToken.None);
            Notify(_log.Record(key, from, to, amount, due, result));
        }
        finally
        {
            inFlight.Release();
        }
    }

    /// <summary>Two distinct accounts of the run and an amount from 0.01 to <see cref="WorkloadOptions.MaxAmount"/>, in cents.</summary>
    private (Guid From, Guid To, decimal Amount) Draw()
    {
        var maxCents = (int)(_options.MaxAmount * 100);
        lock (_random)
        {
            var from = _random.Next(AccountIds.Count);
            var to = _random.Next(AccountIds.Count - 1);
            to += to >= from ? 1 : 0;
            return (AccountIds[from], AccountIds[to], _random.Next(1, maxCents + 1) / 100m);
        }
    }

    private void Notify(WorkloadRequest request)
    {
        try
        {
            RequestFinished?.Invoke(request);
        }
#pragma warning disable CA1031 // A subscriber's bug must not stop the workload or lose the next outcomes.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogSubscriberFailed(_logger, ex, _runId);
        }
    }

    private DateTimeOffset Started(int ratePerSecond, int clients)
    {
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (_running++ == 0)
            {
                _runningSince = now;
            }

            (_ratePerSecond, _clients) = (ratePerSecond, clients);
            return now;
        }
    }

    private void Stopped()
    {
        lock (_gate)
        {
            if (--_running == 0)
            {
                _ranFor += _timeProvider.GetUtcNow() - _runningSince;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A RequestFinished subscriber of drill run {RunId}'s workload threw.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception, string runId);
}
