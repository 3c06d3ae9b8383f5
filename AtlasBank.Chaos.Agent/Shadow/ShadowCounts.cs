namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>Verdict counts over a span of time.</summary>
public sealed record ShadowCounts(long Match, long Drift, long Lag, long Error, long Chaos, long NoiseObserved, long NoiseDisagreed)
{
    public long Total => Match + Drift + Lag + Error + Chaos;
}
