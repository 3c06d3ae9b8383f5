namespace AtlasBank.Chaos.Agent.Shadow;

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
}

/// <summary>One shadowed request and what comparing DR's answer with the primary's concluded.</summary>
public sealed record ShadowComparison(
    string Id,
    string Method,
    string Path,
    string Verdict,
    int PrimaryStatus,
    int? DrStatus,
    IReadOnlyList<Difference> Differences,
    double PrimaryLatencyMs,
    double? DrLatencyMs,
    DateTimeOffset SampledAt,
    DateTimeOffset ComparedAt,
    string? PrimaryLsn,
    string? DrLsn,
    int Checks,
    bool? PrimarySelfDisagreed,
    string? ChaosExperimentId,
    string? Error);

/// <summary>A drift validation round over the window.</summary>
/// <param name="DriftRate">drift / (match + drift) over the window.</param>
/// <param name="NoiseFloor">How often the primary disagreed with itself on the same request.</param>
/// <param name="DriftAboveNoise">Drift rate less the noise floor: what is compared with the threshold.</param>
public sealed record DriftReport(
    DateTimeOffset At,
    double WindowSeconds,
    long Compared,
    long Match,
    long Drift,
    long Lag,
    long Error,
    long Chaos,
    double DriftRate,
    double NoiseFloor,
    double DriftAboveNoise,
    double Threshold,
    bool Alert);

/// <summary>Log Sequence Numbers as PostgreSQL prints them (<c>16/B374D848</c>).</summary>
public static class Lsn
{
    public static ulong? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && uint.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var high)
            && uint.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var low)
            ? ((ulong)high << 32) | low
            : null;
    }
}
