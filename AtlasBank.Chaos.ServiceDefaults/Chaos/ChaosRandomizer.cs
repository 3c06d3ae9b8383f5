namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>Where chaos gets its coin flips; tests replace it to make injection deterministic.</summary>
public sealed class ChaosRandomizer(Func<double> nextDouble)
{
    public static readonly ChaosRandomizer Shared = new(Random.Shared.NextDouble);

    public Func<double> NextDouble { get; } = nextDouble;
}
