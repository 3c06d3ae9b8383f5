namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>An audit row waiting in the spool: the stream entry carrying it, the row's own key, what happened and when.</summary>
public sealed record SpooledAuditRecord(string StreamId, string RowKey, AuditRecord Record, DateTimeOffset HappenedAt);
