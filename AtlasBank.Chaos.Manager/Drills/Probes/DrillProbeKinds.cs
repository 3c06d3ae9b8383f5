namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>The <c>Kind</c> of each steady-state probe a hypothesis may hold.</summary>
public static class DrillProbeKinds
{
    public const string Http = "http";
    public const string Workload = "workload";
    public const string Invariants = "invariants";
    public const string Replication = "replication";
    public const string Drift = "drift";

    public static readonly string[] All = [Http, Workload, Invariants, Replication, Drift];
}
