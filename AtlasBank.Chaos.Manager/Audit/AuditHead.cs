namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>A chain head: the newest row's id and the MAC it carries.</summary>
public sealed record AuditHead(long Id, string Mac);
