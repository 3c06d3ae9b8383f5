using System.Text.Json.Serialization;

namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>
/// A steady-state probe with its tolerance, told apart by <c>Kind</c>. The hypothesis holds when every probe is
/// within tolerance; probes are checked before the method, every <c>CheckIntervalSeconds</c> during it and after it.
/// <c>Name</c> is what a failed check and the report call the probe.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "Kind")]
[JsonDerivedType(typeof(HttpProbe), DrillProbeKinds.Http)]
[JsonDerivedType(typeof(WorkloadProbe), DrillProbeKinds.Workload)]
[JsonDerivedType(typeof(InvariantsProbe), DrillProbeKinds.Invariants)]
[JsonDerivedType(typeof(ReplicationProbe), DrillProbeKinds.Replication)]
[JsonDerivedType(typeof(DriftProbe), DrillProbeKinds.Drift)]
public abstract class DrillProbe
{
    public string? Name { get; init; }

    /// <summary>Adds every problem of this probe's own fields under its JSON path; the name is checked by the hypothesis.</summary>
    public abstract void Validate(DrillValidation validation, string path);
}
