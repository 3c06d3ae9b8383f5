namespace AtlasBank.Chaos.ServiceDefaults.Security;

public static class ChaosPolicies
{
    public const string View = "chaos.view";
    public const string Operate = "chaos.operate";
    public const string Administer = "chaos.administer";
}
