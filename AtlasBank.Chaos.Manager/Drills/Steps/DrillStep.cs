using System.Text.Json.Serialization;

namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// One step of a drill's <c>Method</c> or <c>Rollback</c>, told apart by <c>Kind</c> (anywhere in the object).
/// Steps run in order; each knows its own rules (<see cref="Validate"/>).
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "Kind")]
[JsonDerivedType(typeof(EnableStep), DrillStepKinds.Enable)]
[JsonDerivedType(typeof(BulkEnableStep), DrillStepKinds.BulkEnable)]
[JsonDerivedType(typeof(WaitStep), DrillStepKinds.Wait)]
[JsonDerivedType(typeof(WorkloadStep), DrillStepKinds.Workload)]
[JsonDerivedType(typeof(InjectStep), DrillStepKinds.Inject)]
[JsonDerivedType(typeof(DisableStep), DrillStepKinds.Disable)]
[JsonDerivedType(typeof(DisableAllStep), DrillStepKinds.DisableAll)]
[JsonDerivedType(typeof(FailoverStep), DrillStepKinds.Failover)]
[JsonDerivedType(typeof(FailbackStep), DrillStepKinds.Failback)]
public abstract class DrillStep
{
    /// <summary>Adds every problem of this step under its JSON path (e.g. <c>$.Method[2].Seconds</c>).</summary>
    public abstract void Validate(DrillValidation validation, string path);
}
