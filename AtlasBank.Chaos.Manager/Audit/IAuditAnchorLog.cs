namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Where anchors are kept outside the audit table, with history (the <see cref="AuditAnchorStore"/>, in Redis).</summary>
public interface IAuditAnchorLog
{
    Task AddAsync(AuditAnchor anchor);

    /// <summary>Every anchor kept, as stored (forged ones included: the caller checks their MACs).</summary>
    Task<IReadOnlyList<AuditAnchor>> ReadAsync();

    /// <summary>Whether this replica runs this round of interval anchoring (one replica per round).</summary>
    Task<bool> TryLeadAsync(TimeSpan lease);
}
