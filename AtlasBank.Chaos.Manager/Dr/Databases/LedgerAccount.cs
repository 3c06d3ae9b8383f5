namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>An account as one region holds it, without its balance: what another region needs to hold it too.</summary>
public sealed record LedgerAccount(Guid Id, string Name, string Currency, bool AllowOverdraft, DateTimeOffset CreatedAt);
