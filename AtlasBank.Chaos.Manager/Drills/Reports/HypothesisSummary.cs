using AtlasBank.Chaos.Manager.Drills.Runs;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>The checks of one probe in one phase (<c>before</c>, <c>during</c> or <c>after</c>), counted.</summary>
/// <param name="FirstViolation">When the probe first went outside its tolerance in this phase: the moment that matters to a reviewer.</param>
/// <param name="Last">The latest check in this phase: what it measured last.</param>
internal sealed record PhaseTally(int Held, int Violated, int Skipped, DrillCheckRecord? FirstViolation, DrillCheckRecord? Last)
{
    public static readonly PhaseTally None = new(0, 0, 0, null, null);

    public int Checks => Held + Violated + Skipped;
}

/// <summary>One hypothesis probe as the report's table shows it: its checks before, during and after the method.</summary>
internal sealed record HypothesisSummary(string Probe, string Kind, PhaseTally Before, PhaseTally During, PhaseTally After)
{
    public const string BeforePhase = DrillCheckPhases.Before;
    public const string DuringPhase = DrillCheckPhases.During;
    public const string AfterPhase = DrillCheckPhases.After;
    public const string Held = DrillCheckPhases.Held;
    public const string Violated = DrillCheckPhases.Violated;

    /// <summary>Every probe that was checked, in the order it was first checked.</summary>
    public static IReadOnlyList<HypothesisSummary> Of(IReadOnlyList<DrillCheckRecord> checks) =>
        [.. checks
            .OrderBy(check => check.At)
            .GroupBy(check => check.Probe, StringComparer.Ordinal)
            .Select(probe => new HypothesisSummary(
                probe.Key,
                probe.First().Kind,
                Tally(probe, BeforePhase),
                Tally(probe, DuringPhase),
                Tally(probe, AfterPhase)))];

    private static PhaseTally Tally(IEnumerable<DrillCheckRecord> checks, string phase)
    {
        var inPhase = checks.Where(check => string.Equals(check.Phase, phase, StringComparison.Ordinal)).ToList();
        if (inPhase.Count == 0)
        {
            return PhaseTally.None;
        }

        var held = inPhase.Count(check => string.Equals(check.Outcome, Held, StringComparison.Ordinal));
        var violated = inPhase.Where(check => string.Equals(check.Outcome, Violated, StringComparison.Ordinal)).ToList();
        return new PhaseTally(held, violated.Count, inPhase.Count - held - violated.Count, violated.FirstOrDefault(), inPhase[^1]);
    }
}
