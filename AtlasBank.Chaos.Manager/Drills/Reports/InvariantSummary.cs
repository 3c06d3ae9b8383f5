using AtlasBank.Chaos.Manager.Drills.Invariants;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// One money invariant over the whole run as the report's table shows it: held in every check, or violated, with
/// the evidence of the check that decides it (the first violation, else the last check) and every account and
/// transfer any violation named.
/// </summary>
internal sealed record InvariantSummary(
    string Invariant, int Checks, int Violations, InvariantResult Deciding, IReadOnlyList<Guid> Accounts, IReadOnlyList<string> Transfers)
{
    public bool Holds => Violations == 0;

    /// <summary>Each invariant checked, the ledger's own in their documented order first.</summary>
    public static IReadOnlyList<InvariantSummary> Of(IReadOnlyList<InvariantResult> results) =>
        [.. results
            .OrderBy(result => result.At)
            .GroupBy(result => result.Invariant, StringComparer.Ordinal)
            .OrderBy(group => Array.IndexOf(LedgerInvariantNames.All, group.Key) is var known and >= 0 ? known : int.MaxValue)
            .Select(Summarise)];

    private static InvariantSummary Summarise(IGrouping<string, InvariantResult> checks)
    {
        var violations = checks.Where(result => !result.Holds).ToList();
        return new InvariantSummary(
            checks.Key,
            checks.Count(),
            violations.Count,
            violations.FirstOrDefault() ?? checks.Last(),
            [.. violations.SelectMany(result => result.Accounts).Distinct()],
            [.. violations.SelectMany(result => result.Transfers).Distinct(StringComparer.Ordinal)]);
    }
}
