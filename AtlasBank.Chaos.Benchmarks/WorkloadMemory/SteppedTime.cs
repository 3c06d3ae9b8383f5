namespace AtlasBank.Chaos.Benchmarks.WorkloadMemory;

/// <summary>A clock the benchmark moves: a 60-minute run is recorded in seconds, with the times it would have had.</summary>
internal sealed class SteppedTime(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;
}
