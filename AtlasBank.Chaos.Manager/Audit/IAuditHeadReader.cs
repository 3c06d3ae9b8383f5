namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Reads the newest row of the chain as the table holds it (the <see cref="AuditStore"/>).</summary>
public interface IAuditHeadReader
{
    Task<AuditEntry?> ReadHeadAsync(CancellationToken cancellationToken);
}
