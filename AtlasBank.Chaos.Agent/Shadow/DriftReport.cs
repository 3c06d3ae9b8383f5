namespace AtlasBank.Chaos.Agent.Shadow;

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
