namespace AtlasBank.Chaos.Manager.Audit;

public sealed record AuditQuery(string? Service, string? KeyId, DateTimeOffset? From, DateTimeOffset? To, string? Outcome, int Page, int PageSize);
