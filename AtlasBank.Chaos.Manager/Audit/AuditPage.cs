namespace AtlasBank.Chaos.Manager.Audit;

public sealed record AuditPage(int Page, int PageSize, long Total, IReadOnlyList<AuditEntry> Entries);
