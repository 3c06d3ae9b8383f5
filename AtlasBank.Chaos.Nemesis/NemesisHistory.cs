using System.Collections.Concurrent;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// The one history of a schedule: every workload request and every nemesis step, invoke and completion, with times
/// on one clock from the schedule's start. The checker reads this and the final databases, nothing else.
/// </summary>
public sealed class NemesisHistory(TimeProvider timeProvider)
{
    private readonly long _started = timeProvider.GetTimestamp();
    private readonly ConcurrentQueue<HistoryEvent> _events = new();
    private readonly ConcurrentQueue<TransferRecord> _transfers = new();

    /// <summary>Time since the schedule started.</summary>
    public TimeSpan Now => timeProvider.GetElapsedTime(_started);

    public IReadOnlyList<TransferRecord> Transfers => [.. _transfers];

    /// <summary>Every event in time order (invokes before completions at the same instant).</summary>
    public IReadOnlyList<HistoryEvent> Events => [.. _events.OrderBy(e => e.At).ThenBy(e => e.Type == OperationType.Invoke ? 0 : 1)];

    public TimeSpan Invoke(string process, string function, string value)
    {
        var at = Now;
        _events.Enqueue(new(at, process, OperationType.Invoke, function, value));
        return at;
    }

    public void Complete(string process, OperationType type, string function, string value) =>
        _events.Enqueue(new(Now, process, type, function, value));

    public void Record(string process, TransferRecord transfer)
    {
        _transfers.Enqueue(transfer);
        var written = transfer.Region is null ? string.Empty : $" by {transfer.Region}@{transfer.Epoch}{(transfer.Replayed ? " (replay)" : string.Empty)}";
        _events.Enqueue(new(transfer.CompletedAt, process, transfer.Type, "transfer",
            $"{transfer.IdempotencyKey} {transfer.Amount} {transfer.TransferId}{written} {transfer.Detail}".TrimEnd()));
    }
}
