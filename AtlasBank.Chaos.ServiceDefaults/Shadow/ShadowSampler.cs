namespace AtlasBank.Chaos.ServiceDefaults.Shadow;

/// <summary>
/// The coin shadow traffic flips: which requests the primary samples, which samples the agent asks the primary
/// about again. Its own type, registered with <c>TryAddSingleton</c>, so tests can fix the outcome.
/// </summary>
public sealed class ShadowSampler(Func<double> nextDouble)
{
    public static readonly ShadowSampler Shared = new(Random.Shared.NextDouble);

    /// <summary>True for about <paramref name="rate"/> of calls; a rate of 0 or less never draws a number.</summary>
    public bool Sample(double rate) => rate > 0 && nextDouble() < rate;
}
