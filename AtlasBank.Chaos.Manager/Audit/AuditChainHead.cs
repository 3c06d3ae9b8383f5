using System.Threading.Channels;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The newest row this replica chained and has not anchored yet. An append only sets it and signals the
/// <see cref="AuditAnchorer"/>: anchoring never holds up an append, whatever Redis is doing. A burst of appends is
/// anchored by its newest row, whose MAC covers every row before it.
/// </summary>
public sealed class AuditChainHead
{
    private readonly Lock _gate = new();
    private readonly Channel<bool> _signals = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private AuditHead? _pending;

    /// <summary>A row was committed to the chain.</summary>
    public void Chained(long id, string mac)
    {
        Keep(new AuditHead(id, mac));
        _signals.Writer.TryWrite(true);
    }

    public AuditHead? TakePending()
    {
        lock (_gate)
        {
            var pending = _pending;
            _pending = null;
            return pending;
        }
    }

    /// <summary>An anchor that could not be written: kept for the next round, unless a newer head replaced it.</summary>
    public void Return(AuditHead head) => Keep(head);

    /// <summary>Completes when a row was chained since the last call.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _signals.Reader.ReadAsync(cancellationToken).AsTask();

    private void Keep(AuditHead head)
    {
        lock (_gate)
        {
            if (_pending is null || head.Id > _pending.Id)
            {
                _pending = head;
            }
        }
    }
}
