namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// The <c>Kind</c> of each step a drill's method or rollback may hold. <c>failover</c> and <c>failback</c> come with
/// the failover work; until then they are unknown kinds, and an unknown kind is a validation error.
/// </summary>
public static class DrillStepKinds
{
    public const string Enable = "enable";
    public const string BulkEnable = "bulk-enable";
    public const string Wait = "wait";
    public const string Workload = "workload";
    public const string Inject = "inject";
    public const string Disable = "disable";
    public const string DisableAll = "disable-all";

    public static readonly string[] All = [Enable, BulkEnable, Wait, Workload, Inject, Disable, DisableAll];

    /// <summary>Rollback only takes chaos away or waits: it never starts chaos or load.</summary>
    public static readonly string[] AllowedInRollback = [Wait, Disable, DisableAll];

    /// <summary>The kind a step is written with (its type's discriminator).</summary>
    public static string Of(DrillStep step) => step switch
    {
        EnableStep => Enable,
        BulkEnableStep => BulkEnable,
        WaitStep => Wait,
        WorkloadStep => Workload,
        InjectStep => Inject,
        DisableStep => Disable,
        DisableAllStep => DisableAll,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.GetType().Name, "Not a known step."),
    };
}
