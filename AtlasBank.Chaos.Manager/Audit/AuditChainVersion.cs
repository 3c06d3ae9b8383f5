namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>How a row is chained (column <c>chain_version</c>): rows written before the key existed keep verifying as they were made.</summary>
public static class AuditChainVersion
{
    /// <summary>Plain SHA-256 over the previous hash and the fields (<see cref="AuditEntry.ComputeHash"/>): anyone can recompute it.</summary>
    public const int Legacy = 1;

    /// <summary>HMAC-SHA256 under the audit key over the previous row's MAC and every field (<see cref="AuditMac"/>).</summary>
    public const int Keyed = 2;
}
