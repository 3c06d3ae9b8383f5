using AtlasBank.Chaos.Manager.Drills.Invariants;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// What the checker concluded about one schedule. <see cref="Lost"/>: acknowledged keys with no transfer at home;
/// <see cref="Doubled"/>: keys of the run with two or more transfers in either region; <see cref="Renumbered"/>:
/// acknowledged keys whose transfer exists once at home under another id than the one acknowledged (the reconciler
/// re-posted it: a client holding the old id finds nothing, but no money moved twice or was lost);
/// <see cref="SentPerSecond"/>: transfers invoked a second while the workload ran (skipped ticks not counted);
/// <see cref="InfoPresent"/> and <see cref="InfoAbsent"/>: how the unknown outcomes resolved.
/// </summary>
public sealed record NemesisVerdict(
    double SentPerSecond, int Acknowledged, int Failed, int Info, int InfoPresent, int InfoAbsent, int Skipped,
    int Lost, int Doubled, int Renumbered, decimal MoneyDelta, bool RegionsEqual, bool Home, IReadOnlyList<string> SplitBrain,
    IReadOnlyList<InvariantResult> Invariants, IReadOnlyList<string> Anomalies)
{
    public bool Valid => Anomalies.Count == 0;
}
