namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>
/// The two regions: region A is <c>ledgerapi</c> on <c>postgres</c>, region B is <c>ledgerapi-dr</c> on
/// <c>postgres-dr</c>. Callers address the ledger by <see cref="LogicalLedgerHost"/>; ServiceDefaults sends the
/// request to the active region's ledger.
/// </summary>
public static class DrRegions
{
    public const string A = "region-a";
    public const string B = "region-b";

    /// <summary>Where the bank starts, and where a failback returns to.</summary>
    public const string Home = A;

    /// <summary>The one name callers use for the ledger: <c>http://ledger</c> goes to the active region's ledger.</summary>
    public const string LogicalLedgerHost = "ledger";

    public static readonly IReadOnlyList<string> All = [A, B];

    public static bool IsKnown(string? region) => region is A or B;

    public static string Other(string region) => region switch
    {
        A => B,
        B => A,
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "Not a region."),
    };

    /// <summary>The ledger service (its service-discovery name) of a region.</summary>
    public static string LedgerServiceOf(string region) => region switch
    {
        A => "ledgerapi",
        B => "ledgerapi-dr",
        _ => throw new ArgumentOutOfRangeException(nameof(region), region, "Not a region."),
    };

    /// <summary>The spec's chaos target for a region's ledger: <c>ledger-region-a</c>.</summary>
    public static string LedgerChaosTargetOf(string region) => $"ledger-{region}";

    /// <summary>
    /// The hosts the spec's regional chaos targets stand for: <c>ledger-region-a</c> is <c>ledgerapi</c>,
    /// <c>ledger-region-b</c> is <c>ledgerapi-dr</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string[]> ChaosAliases { get; } = All.ToDictionary(
        LedgerChaosTargetOf, region => new[] { LedgerServiceOf(region) }, StringComparer.Ordinal);
}
