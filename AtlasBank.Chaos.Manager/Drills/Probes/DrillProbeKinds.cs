namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>The <c>Kind</c> of each steady-state probe a hypothesis may hold.</summary>
public static class DrillProbeKinds
{
    public const string Http = "http";
    public const string Workload = "workload";
    public const string Invariants = "invariants";
    public const string Replication = "replication";
    public const string Drift = "drift";
    public const string Failover = "failover";

    public static readonly string[] All = [Http, Workload, Invariants, Replication, Drift, Failover];

    /// <summary>The kind a probe is written with (its type's discriminator).</summary>
    public static string Of(DrillProbe probe) => probe switch
    {
        HttpProbe => Http,
        WorkloadProbe => Workload,
        InvariantsProbe => Invariants,
        ReplicationProbe => Replication,
        DriftProbe => Drift,
        FailoverProbe => Failover,
        _ => throw new ArgumentOutOfRangeException(nameof(probe), probe.GetType().Name, "Not a known probe."),
    };
}
