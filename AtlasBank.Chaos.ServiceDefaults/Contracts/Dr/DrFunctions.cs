namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>
/// The superuser's SECURITY DEFINER functions in each ledger database's schema <c>dr</c>: created by the provisioning,
/// called by the manager's failover controller (and <see cref="StandbyConfirmed"/> by the ledger). One list, so a
/// rename cannot leave a caller behind.
/// </summary>
public static class DrFunctions
{
    public const string Schema = "dr";

    public const string FenceWrites = "dr.fence_writes";
    public const string GrantWrites = "dr.grant_writes";
    public const string Role = "dr.role";
    public const string WritesGranted = "dr.writes_granted";
    public const string Position = "dr.position";
    public const string DetachSubscription = "dr.detach_subscription";
    public const string DropSlot = "dr.drop_slot";
    public const string CreateSlot = "dr.create_slot";
    public const string Subscribe = "dr.subscribe";
    public const string Subscribed = "dr.subscribed";
    public const string SubscriptionPosition = "dr.subscription_position";
    public const string SubscriptionStreaming = "dr.subscription_streaming";
    public const string SynchronousStandbyNames = "dr.synchronous_standby_names";
    public const string StandbyConfirmed = "dr.standby_confirmed";
    public const string RestoreAccount = "dr.restore_account";
    public const string RebuildFromStaging = "dr.rebuild_from_staging";

    /// <summary>
    /// The SQLSTATE a <c>dr</c> function refuses with: its own class, so no driver mistakes the refusal for a transient
    /// fault worth retrying.
    /// </summary>
    public const string RefusedSqlState = "DR001";
}
