namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Remembers since when the primary has been ahead of the position DR received, so the stall rule can tell "DR has
/// waited for WAL for 30 s" from "the primary just wrote after a quiet minute". Fed by the poller and by
/// <c>/dr/status</c>; a new received position starts the clock again.
/// </summary>
public sealed class ReplicationBehindTracker
{
    private readonly Lock _lock = new();
    private string? _receivedLsn;
    private DateTimeOffset? _behindSince;

    /// <param name="publisherAhead">The primary's WAL is past what DR received (or DR received nothing yet).</param>
    public DateTimeOffset? Observe(string? receivedLsn, bool publisherAhead, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!publisherAhead)
            {
                _behindSince = null;
            }
            else if (_behindSince is null || !string.Equals(_receivedLsn, receivedLsn, StringComparison.Ordinal))
            {
                _behindSince = now;
            }

            _receivedLsn = receivedLsn;
            return _behindSince;
        }
    }
}
