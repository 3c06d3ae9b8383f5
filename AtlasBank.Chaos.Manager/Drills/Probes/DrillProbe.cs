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
[JsonDerivedType(typeof(FailoverProbe), DrillProbeKinds.Failover)]
public abstract class DrillProbe
{
    public static readonly string[] AllPhases = ["before", "during", "after"];

    public string? Name { get; init; }

    /// <summary>
    /// When the probe is checked: before, during, after (all three when omitted). A regional outage's workload probe is
    /// checked before and after only: during the outage its tolerance is the RTO, which a failover probe checks.
    /// </summary>
    public string[]? Phases { get; init; }

    public bool IsCheckedIn(string phase) => Phases is null || Phases.Contains(phase, StringComparer.Ordinal);

    /// <summary>The phases' rule, for every probe kind.</summary>
    public void ValidatePhases(DrillValidation validation, string path)
    {
        if (Phases is not null && (Phases.Length == 0 || Phases.Any(phase => !AllPhases.Contains(phase, StringComparer.Ordinal)) || Phases.Distinct().Count() != Phases.Length))
        {
            validation.Add($"{path}.Phases", $"Omit it for all, or give 1 to 3 distinct of: {string.Join(", ", AllPhases)}.");
        }
    }

    /// <summary>Adds every problem of this probe's own fields under its JSON path; the name is checked by the hypothesis.</summary>
    public abstract void Validate(DrillValidation validation, string path);
}
