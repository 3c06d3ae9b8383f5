namespace AtlasBank.Chaos.ServiceDefaults.Security;

public static class ChaosRoles
{
    /// <summary>Reads: list, stats, its own audit rows.</summary>
    public const string Viewer = "viewer";

    /// <summary>Runs experiments: enable, disable, bulk, inject, disable-all, engaging the halt.</summary>
    public const string Operator = "operator";

    /// <summary>Everything, including lifting the halt and reading and verifying the whole audit.</summary>
    public const string Admin = "admin";

    public static readonly string[] All = [Viewer, Operator, Admin];
}
