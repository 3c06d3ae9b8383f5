namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>The money invariants every drill with a workload checks, by the names reports and metrics use.</summary>
public static class LedgerInvariantNames
{
    /// <summary>The sum of the run's accounts' balances is what the run funded them with, in one snapshot.</summary>
    public const string Conservation = "conservation";

    /// <summary>No account that does not allow overdraft holds a negative balance.</summary>
    public const string NoNegativeBalance = "no-negative-balance";

    /// <summary>Each account's balance is the sum of its entries.</summary>
    public const string EntriesEqualBalances = "entries-equal-balances";

    /// <summary>Every acknowledged transfer exists exactly once, and no Idempotency-Key has two transfers.</summary>
    public const string AcknowledgedExactlyOnce = "acknowledged-exactly-once";

    /// <summary>Every unknown outcome, looked up by its Idempotency-Key, exists once or not at all.</summary>
    public const string UnknownResolved = "unknown-resolved";

    /// <summary>After the workload stops, DR's balances of the run's accounts equal the primary's within a bound.</summary>
    public const string DrConverges = "dr-converges";

    /// <summary>After a failover, the old writer committed none of the run's transfers: no transfer was accepted by both regions.</summary>
    public const string NoSplitBrain = "no-split-brain";

    public static readonly string[] All = [Conservation, NoNegativeBalance, EntriesEqualBalances, AcknowledgedExactlyOnce, UnknownResolved, DrConverges, NoSplitBrain];
}
