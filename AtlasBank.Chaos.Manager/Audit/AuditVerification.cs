namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>What <c>GET /chaos/audit/verify</c> found, walking the table against the row MACs and the anchors.</summary>
/// <param name="Valid">False when any row was rewritten, any id is missing, the tail was cut or any anchor is forged.</param>
/// <param name="BrokenAtId">The first offending row id (the lowest of the three below); null when the chain is whole.</param>
/// <param name="Reason">Every finding in words; null when valid.</param>
/// <param name="TailTruncatedFromId">The first anchored row the table no longer has: the table ends before an anchor, or an anchored id now holds another (self-consistent) row, regrown after a cut.</param>
/// <param name="FirstRewrittenId">The first row whose MAC does not match its contents or link (a plain SHA-256 where a MAC belongs included).</param>
/// <param name="FirstMissingId">The first id missing inside the chain (a gap).</param>
/// <param name="LegacyRows">Rows written before the key, verified as plain SHA-256; sealed as a block by the first keyed row's MAC.</param>
/// <param name="FirstKeyedId">The first row MACed under the key.</param>
/// <param name="LastRowId">The newest row in the table.</param>
/// <param name="AnchorsChecked">Anchors read from Redis whose own MAC verified and that the table was compared with.</param>
/// <param name="ForgedAnchors">Anchors in Redis whose own MAC does not verify: someone wrote them without the key.</param>
/// <param name="NewestAnchor">The valid anchor naming the highest row id (the latest of them).</param>
/// <param name="SpoolRejections">
/// Spool entries the drainer set aside instead of chaining: <c>Unauthenticated</c> ones had no MAC under the audit key,
/// someone wrote them with the Redis credentials alone. They never reached the chain, so they do not make it invalid.
/// </param>
public sealed record AuditVerification(
    bool Valid,
    long RowsChecked,
    long? BrokenAtId,
    string? Reason,
    long? TailTruncatedFromId = null,
    long? FirstRewrittenId = null,
    long? FirstMissingId = null,
    long LegacyRows = 0,
    long? FirstKeyedId = null,
    long? LastRowId = null,
    int AnchorsChecked = 0,
    int ForgedAnchors = 0,
    AuditAnchor? NewestAnchor = null,
    SpoolRejectionCounts? SpoolRejections = null);
