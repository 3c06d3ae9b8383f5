namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The acknowledgements of the last <see cref="WorkloadOptions.AcknowledgementsKept"/>, in the order they finished:
/// what a failover may have lost (a transfer acknowledged by the old writer and not yet replicated is one of the last
/// acknowledged before the switch) and where the first write after a promotion is found. Older ones were confirmed
/// by the invariant checks and are counted there. Not thread-safe: <see cref="WorkloadLog"/> holds its lock.
/// </summary>
internal sealed class RecentAcknowledgements(TimeSpan kept)
{
    private readonly Queue<WorkloadRequest> _acknowledged = new();

    public void Add(WorkloadRequest acknowledged)
    {
        _acknowledged.Enqueue(acknowledged);
        var oldest = acknowledged.FinishedAt - kept;
        while (_acknowledged.Peek().FinishedAt < oldest)
        {
            _acknowledged.Dequeue();
        }
    }

    /// <summary>The kept acknowledgements that carried a transfer id and finished at or before <paramref name="until"/>.</summary>
    public IReadOnlyList<WorkloadRequest> WithTransferIdUntil(DateTimeOffset until) =>
        [.. _acknowledged.Where(request => request.TransferId is not null && request.FinishedAt <= until)];

    /// <summary>The first kept acknowledgement that finished at or after <paramref name="since"/>.</summary>
    public DateTimeOffset? FirstAtOrAfter(DateTimeOffset since) =>
        _acknowledged.Where(request => request.FinishedAt >= since).Select(request => (DateTimeOffset?)request.FinishedAt).Min();
}
