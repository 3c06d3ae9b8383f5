namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>DR's replication is healthy: <c>healthy</c> of <c>ledgerapi-dr</c>'s <c>GET /dr/status</c>, by its rule.</summary>
public sealed class ReplicationProbe : DrillProbe
{
    public override void Validate(DrillValidation validation, string path)
    {
    }
}
