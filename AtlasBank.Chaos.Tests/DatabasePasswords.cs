namespace AtlasBank.Chaos.Tests;

/// <summary>
/// The database password parameters, set for the suite as an operator sets them (<c>Parameters:{name}</c>):
/// the tests know the superuser's, and no run writes generated passwords to the AppHost's user secrets.
/// </summary>
public static class DatabasePasswords
{
    public const string Postgres = "primary-superuser-7Qm2xV9c";

    public static readonly IReadOnlyDictionary<string, string> Parameters = new Dictionary<string, string>
    {
        ["postgres-password"] = Postgres,
        ["postgres-dr-password"] = "dr-superuser-4Hk8pZ1w",
        ["postgres-chaos-password"] = "chaos-superuser-9Rt3nB6y",
        ["ledgerdb-app-password"] = "ledger-app-2Wd5sL8q",
        ["ledgerdb-monitor-password"] = "ledger-monitor-6Jf1cX4m",
        ["ledgerdb-replicator-password"] = "ledger-replicator-3Pv7gN0k",
        ["ledgerdb-dr-app-password"] = "ledger-dr-app-8Ys2hT5e",
        ["chaosdb-manager-password"] = "chaos-manager-1Bn6uQ9r",
        ["ledgerdb-auditor-password"] = "ledger-auditor-5Kc9wR2j",
        ["ledgerdb-dr-auditor-password"] = "ledger-dr-auditor-0Gz4mV7t",
        ["ledgerdb-controller-password"] = "ledger-controller-6Tq1rW3z",
        ["ledgerdb-dr-controller-password"] = "ledger-dr-controller-2Mx8eH5v",
    };

    public static IEnumerable<string> Arguments => Parameters.Select(parameter => $"--Parameters:{parameter.Key}={parameter.Value}");
}
