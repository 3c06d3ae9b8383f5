namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The acknowledged and unknown requests the money invariants have yet to look up one by one. An acknowledgement a
/// check found in the ledger, once and as asked, leaves and is counted (<see cref="EarlierChecks"/>): each check
/// reads only what came since the last, so it costs the same at minute 60 as at minute 1. Unknown outcomes wait for
/// the final check. Beyond <see cref="WorkloadOptions.UncheckedLimit"/> waiting (no check could read the ledger for
/// that long, or the drill checks no invariants) the oldest are let go and counted as not kept, so memory stays
/// bounded whatever happens. Not thread-safe: <see cref="WorkloadLog"/> holds its lock around every call.
/// </summary>
internal sealed class UncheckedRequests(int limit)
{
    private readonly Queue<WorkloadRequest> _waiting = new();
    private long _confirmed;
    private long _acknowledgedNotKept;
    private long _unknownNotKept;

    public void Add(WorkloadRequest request)
    {
        // The detail (a status and a problem title, up to 300 characters) is for the subscribers, not for the checks.
        _waiting.Enqueue(request.Detail is null ? request : request with { Detail = null });
        if (_waiting.Count > limit)
        {
            var dropped = _waiting.Dequeue();
            _ = dropped.Outcome == WorkloadOutcomes.Acknowledged ? _acknowledgedNotKept++ : _unknownNotKept++;
        }
    }

    public IReadOnlyList<WorkloadRequest> Waiting() => [.. _waiting];

    public EarlierChecks Earlier() => new(_confirmed, _acknowledgedNotKept, _unknownNotKept);

    /// <summary>
    /// Lets go of the acknowledgements a check confirmed (the very records <see cref="Waiting"/> handed out); what it
    /// found wrong stays, to be named again by the next check, as before.
    /// </summary>
    public void Confirm(IReadOnlySet<WorkloadRequest> confirmed)
    {
        if (confirmed.Count == 0)
        {
            return;
        }

        var kept = _waiting.Where(request => !confirmed.Contains(request)).ToList();
        _confirmed += _waiting.Count - kept.Count;
        _waiting.Clear();
        foreach (var request in kept)
        {
            _waiting.Enqueue(request);
        }
    }
}
