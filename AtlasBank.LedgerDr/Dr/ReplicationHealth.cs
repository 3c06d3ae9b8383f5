namespace AtlasBank.LedgerDr.Dr;

/// <summary>DR's verdict on its replication: healthy, or the first rule it breaks.</summary>
public sealed record ReplicationHealth(bool Healthy, string? UnhealthyReason)
{
    public static readonly ReplicationHealth Ok = new(true, null);

    public static ReplicationHealth Unhealthy(string reason) => new(false, reason);
}
