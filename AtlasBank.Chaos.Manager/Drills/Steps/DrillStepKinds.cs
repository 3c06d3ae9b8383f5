namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// The <c>Kind</c> of each step a drill's method or rollback may hold; an unknown kind is a validation error.
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
    public const string Failover = "failover";
    public const string Failback = "failback";

    public static readonly string[] All = [Enable, BulkEnable, Wait, Workload, Inject, Disable, DisableAll, Failover, Failback];

    /// <summary>Rollback only takes chaos away, brings the writer home, or waits: it never starts chaos or load.</summary>
    public static readonly string[] AllowedInRollback = [Wait, Disable, DisableAll, Failback];

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
        FailoverStep => Failover,
        FailbackStep => Failback,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step.GetType().Name, "Not a known step."),
    };
}
