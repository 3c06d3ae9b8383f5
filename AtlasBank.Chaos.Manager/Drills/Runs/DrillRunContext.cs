using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// One run's state while its owner runs it: what it has on, what it recorded, and whether something stopped it.
/// Shared by the method, the check loop and the signal loop, so every member is thread-safe. The first stop wins.
/// </summary>
public sealed class DrillRunContext(
    string runId, DrillDefinition drill, DrillRunParameters parameters, string? startedBy, string? startedByRole, DateTimeOffset createdAt) : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<DrillStepRecord> _steps = [];
    private readonly List<DrillCheckRecord> _checks = [];
    private readonly List<ChaosBand> _bands = [];
    private readonly List<InvariantResult> _invariants = [];
    private readonly HashSet<string> _enabled = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LatencyWindow> _httpLatencies = new(StringComparer.Ordinal);
    private readonly Queue<Func<DrillRunStore, CancellationToken, Task>> _unsaved = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _saving = new(1, 1);
    private int _stepSeq;
    private int _checkSeq;

    public string RunId { get; } = runId;

    public DrillDefinition Drill { get; } = drill;

    public DrillRunParameters Parameters { get; } = parameters;

    public string? StartedBy { get; } = startedBy;

    public string? StartedByRole { get; } = startedByRole;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public DateTimeOffset StartedAt { get; set; } = createdAt;

    public BankWorkload? Workload { get; set; }

    public AuditHead? AuditHeadAtStart { get; set; }

    public AuditHead? AuditHeadAtEnd { get; set; }

    public double? DrConvergenceSeconds { get; set; }

    /// <summary>When the method's last enable or bulk-enable step finished: a failover's RTO runs from there.</summary>
    public DateTimeOffset? LastChaosEnabledAt { get; set; }

    /// <summary>The run's failover, with RPO and RTO as measured so far.</summary>
    public FailoverRecord? Failover { get; set; }

    public FailoverRecord? Failback { get; set; }

    /// <summary>Cancelled when the run must stop: an abort, the halt, a disable-all, an abort condition, the deadline.</summary>
    public CancellationToken Stopping => _stop.Token;

    /// <summary>The state a stop decided (<c>aborted</c> from outside, <c>failed</c> by an abort condition); null while none did.</summary>
    public string? StopState { get; private set; }

    public string? StopReason { get; private set; }

    /// <summary>Whether this replica lost the run's lease: another replica rolls it back and records its end.</summary>
    public bool LeaseLost { get; private set; }

    public bool TryStop(string state, string reason, bool leaseLost = false)
    {
        lock (_gate)
        {
            if (StopState is not null)
            {
                return false;
            }

            (StopState, StopReason, LeaseLost) = (state, reason, leaseLost);
        }

        _stop.Cancel();
        return true;
    }

    public LatencyWindow HttpLatencies(string probe)
    {
        lock (_gate)
        {
            return _httpLatencies.TryGetValue(probe, out var window) ? window : _httpLatencies[probe] = new LatencyWindow();
        }
    }

    public IReadOnlyList<string> EnabledServices
    {
        get
        {
            lock (_gate)
            {
                return [.. _enabled.Order(StringComparer.Ordinal)];
            }
        }
    }

    public void Enabled(string service, string mode, DateTimeOffset at)
    {
        lock (_gate)
        {
            _enabled.Add(service);
            CloseBand(service, at);
            _bands.Add(new ChaosBand(service, mode, at, null));
        }
    }

    public void Disabled(IEnumerable<string> services, DateTimeOffset at)
    {
        lock (_gate)
        {
            foreach (var service in services)
            {
                _enabled.Remove(service);
                CloseBand(service, at);
            }
        }
    }

    public void Step(DrillStepRecord step)
    {
        lock (_gate)
        {
            _steps.Add(step);
            var seq = _stepSeq++;
            _unsaved.Enqueue((store, token) => store.AddStepAsync(RunId, seq, step, token));
        }
    }

    public void Check(DrillCheckRecord check)
    {
        lock (_gate)
        {
            _checks.Add(check);
            var seq = _checkSeq++;
            _unsaved.Enqueue((store, token) => store.AddCheckAsync(RunId, seq, check, token));
        }
    }

    public IReadOnlyList<DrillCheckRecord> Checks
    {
        get
        {
            lock (_gate)
            {
                return [.. _checks];
            }
        }
    }

    /// <summary>Keeps every violation and the latest result of each invariant.</summary>
    public void RecordInvariants(IEnumerable<InvariantResult> results)
    {
        lock (_gate)
        {
            foreach (var result in results)
            {
                _invariants.RemoveAll(kept => kept.Invariant == result.Invariant && kept.Holds);
                _invariants.Add(result);
            }
        }
    }

    public IReadOnlyList<InvariantResult> Invariants
    {
        get
        {
            lock (_gate)
            {
                return [.. _invariants];
            }
        }
    }

    /// <summary>
    /// Saves the steps and checks not yet in the database, oldest first; what fails stays queued for the next try.
    /// One save at a time: the method (after an enable) and the lease renewal may both ask at once.
    /// </summary>
    public async Task SaveAsync(DrillRunStore store, CancellationToken cancellationToken)
    {
        await _saving.WaitAsync(cancellationToken);
        try
        {
            while (true)
            {
                Func<DrillRunStore, CancellationToken, Task>? save;
                lock (_gate)
                {
                    if (!_unsaved.TryPeek(out save))
                    {
                        return;
                    }
                }

                await save(store, cancellationToken);
                lock (_gate)
                {
                    _unsaved.Dequeue();
                }
            }
        }
        finally
        {
            _saving.Release();
        }
    }

    public DrillRunEvidence Evidence()
    {
        lock (_gate)
        {
            return new DrillRunEvidence([.. _bands], Workload?.Timeline() ?? [], Workload?.Summary(), [.. _invariants],
                DrConvergenceSeconds, AuditHeadAtStart, AuditHeadAtEnd, Failover, Failback);
        }
    }

    public void Dispose()
    {
        _stop.Dispose();
        _saving.Dispose();
    }

    private void CloseBand(string service, DateTimeOffset at)
    {
        var open = _bands.FindLastIndex(band => band.Service == service && band.To is null);
        if (open >= 0)
        {
            _bands[open] = _bands[open] with { To = at };
        }
    }
}
