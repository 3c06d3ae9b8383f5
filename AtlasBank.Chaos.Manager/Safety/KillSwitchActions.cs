namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>The <c>action</c> label of <c>chaos_kill_switch_total</c>.</summary>
public static class KillSwitchActions
{
    /// <summary><c>POST /chaos/disable-all</c>.</summary>
    public const string DisableAll = "disable-all";

    /// <summary><c>POST /chaos/halt</c>.</summary>
    public const string Halt = "halt";

    public static readonly IReadOnlyList<string> All = [DisableAll, Halt];
}
