namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>What comparing DR's answer with the primary's can conclude.</summary>
public static class Verdicts
{
    /// <summary>DR answered as the primary did (after ignore rules).</summary>
    public const string Match = "match";

    /// <summary>DR had replicated at least as far as the primary and still answered differently.</summary>
    public const string Drift = "drift";

    /// <summary>DR was still behind the primary when the retry window ran out.</summary>
    public const string Lag = "lag";

    /// <summary>DR could not be reached or gave no answer.</summary>
    public const string Error = "error";

    /// <summary>The primary's or DR's answer carried injected chaos: counted apart, never as drift.</summary>
    public const string Chaos = "chaos";

    public static readonly string[] All = [Match, Drift, Lag, Error, Chaos];

    /// <summary>
    /// Whether a pair of answers is a <see cref="Match"/>: the same status and no difference. Different statuses
    /// never match, whatever ignore rules left of the bodies.
    /// </summary>
    public static bool Agree(int primaryStatus, int drStatus, int differences) => primaryStatus == drStatus && differences == 0;
}
