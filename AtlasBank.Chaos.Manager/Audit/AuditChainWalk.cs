namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Verifies the chain one row at a time, in id order, against the row MACs and the anchors:
/// <list type="bullet">
/// <item>a row whose MAC does not match its contents, or a row linked to a previous MAC the row before it does not
/// carry, was rewritten; so was a legacy (unkeyed) row after the first keyed one: after the key, only a MAC counts;</item>
/// <item>an id missing inside the chain is a gap;</item>
/// <item>an anchor naming a row past the table's end, or an id whose (self-consistent) row carries another MAC than
/// the anchor saw, means the tail was cut (and perhaps regrown).</item>
/// </list>
/// Legacy rows are accepted only as the chain's beginning, up to the first keyed row, whose MAC covers the last
/// legacy hash and so seals them as a block.
/// </summary>
public sealed class AuditChainWalk
{
    private readonly AuditMac _mac;
    private readonly Dictionary<long, List<string>> _anchoredMacs = [];
    private readonly int _anchorsChecked;
    private readonly int _forgedAnchors;
    private readonly AuditAnchor? _newestAnchor;
    private readonly List<string> _findings = [];
    private string _previousHash = AuditEntry.GenesisHash;
    private long _expectedId = 1;
    private long _rows;
    private long _legacyRows;
    private long? _firstKeyedId;
    private long? _lastRowId;
    private long? _firstRewrittenId;
    private long? _firstMissingId;
    private long? _truncatedFromId;

    /// <param name="anchors">Every anchor kept, read before the rows: each names a row committed before it was written.</param>
    public AuditChainWalk(AuditMac mac, IEnumerable<AuditAnchor> anchors)
    {
        _mac = mac;
        foreach (var anchor in anchors)
        {
            if (!mac.IsValid(anchor))
            {
                _forgedAnchors++;
                continue;
            }

            _anchorsChecked++;
            if (!_anchoredMacs.TryGetValue(anchor.Id, out var macs))
            {
                _anchoredMacs[anchor.Id] = macs = [];
            }

            macs.Add(anchor.Mac);
            if (_newestAnchor is null || anchor.Id > _newestAnchor.Id || (anchor.Id == _newestAnchor.Id && anchor.AtUnixMs > _newestAnchor.AtUnixMs))
            {
                _newestAnchor = anchor;
            }
        }

        if (_forgedAnchors > 0)
        {
            _findings.Add($"{_forgedAnchors} anchor(s) in Redis do not carry a valid MAC: written without the audit key.");
        }
    }

    /// <summary>The next row, in ascending id order.</summary>
    public void Add(AuditEntry row)
    {
        _rows++;
        _lastRowId = row.Id;
        var linkCheckable = true;
        if (row.Id != _expectedId)
        {
            // Ids only grow, so a jump is one or more missing rows; the link across it cannot be checked.
            linkCheckable = false;
            Note(ref _firstMissingId, _expectedId, $"Row {_expectedId} is missing: ids must be consecutive.");
        }

        var selfValid = _mac.IsValid(row);
        if (row.ChainVersion == AuditChainVersion.Keyed)
        {
            _firstKeyedId ??= row.Id;
        }
        else if (_firstKeyedId is { } firstKeyed)
        {
            selfValid = false;
            Note(ref _firstRewrittenId, row.Id, $"Row {row.Id} carries a plain SHA-256 hash after keyed rows began at {firstKeyed}: it was rewritten without the key.");
        }
        else
        {
            _legacyRows++;
        }

        if (!selfValid)
        {
            Note(ref _firstRewrittenId, row.Id, $"Row {row.Id}'s contents do not match its {(row.ChainVersion == AuditChainVersion.Keyed ? "MAC" : "hash")}: the row was altered.");
        }
        else if (linkCheckable && row.PreviousHash != _previousHash)
        {
            // A keyed row is intact, so the previous MAC it names is the one the row before it carried when it was
            // chained: that row changed. A legacy row proves nothing by itself: it is the suspect.
            var rewritten = row.ChainVersion == AuditChainVersion.Keyed && row.Id > 1 ? row.Id - 1 : row.Id;
            Note(ref _firstRewrittenId, rewritten, $"Row {row.Id} is not chained to the row before it as the table holds it: row {rewritten} was rewritten.");
        }

        if (selfValid && _anchoredMacs.TryGetValue(row.Id, out var anchored) && anchored.Any(mac => mac != row.Hash))
        {
            if (row.ChainVersion == AuditChainVersion.Keyed)
            {
                // Only the key makes a keyed row: the manager chained another row under this id after the tail was cut.
                Note(ref _truncatedFromId, row.Id, $"Row {row.Id} is not the row anchored under its id: the chain was cut there and regrown.");
            }
            else
            {
                // Anchors name keyed rows only: a legacy row here replaced one, its SHA-256 recomputed.
                Note(ref _firstRewrittenId, row.Id, $"Row {row.Id} carries a plain SHA-256 hash where the anchor saw a MAC: it was rewritten without the key.");
            }
        }

        _previousHash = row.Hash;
        _expectedId = row.Id + 1;
    }

    public AuditVerification Result()
    {
        var last = _lastRowId ?? 0;
        if (_newestAnchor is { } newest && newest.Id > last)
        {
            Note(ref _truncatedFromId, last + 1, $"The table ends at row {last}, before the newest anchor (row {newest.Id}): the tail was truncated.");
        }

        long?[] offending = [_firstRewrittenId, _firstMissingId, _truncatedFromId];
        var brokenAt = offending.Min();
        return new AuditVerification(
            _findings.Count == 0, _rows, brokenAt, _findings.Count == 0 ? null : string.Join(" ", _findings),
            _truncatedFromId, _firstRewrittenId, _firstMissingId, _legacyRows, _firstKeyedId, _lastRowId,
            _anchorsChecked, _forgedAnchors, _newestAnchor);
    }

    private void Note(ref long? first, long id, string finding)
    {
        if (first is null)
        {
            first = id;
            _findings.Add(finding);
        }
    }
}
