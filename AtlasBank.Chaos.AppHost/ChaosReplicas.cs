namespace AtlasBank.Chaos.AppHost;

/// <summary>
/// How many replicas of the control plane run, locally as deployed. The Aspire manifest has no replica count:
/// azd sets it in the container app's template (README: Replicas).
/// </summary>
public static class ChaosReplicas
{
    public const int Manager = 2;

    public const int Agent = 2;
}
