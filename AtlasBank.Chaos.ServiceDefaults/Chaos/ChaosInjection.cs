using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>What the chaos strategies did to one call (across its retries).</summary>
public sealed class ChaosInjection
{
    /// <summary>Where the strategies find the call's record: set on the call's <see cref="ResilienceContext"/>.</summary>
    public static readonly ResiliencePropertyKey<ChaosInjection> Key = new("AtlasBank.Chaos.Injection");

    private int _faults;
    private long _latencyTicks;
    private int _latencyCount;

    public int Faults => _faults;

    public int LatencyInjections => _latencyCount;

    public TimeSpan Latency => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));

    public bool Any => _faults > 0 || _latencyCount > 0;

    internal static ChaosInjection? Of(ResilienceContext context) =>
        context.Properties.TryGetValue(Key, out var injection) ? injection : null;

    internal void AddFault() => Interlocked.Increment(ref _faults);

    internal void AddLatency(TimeSpan latency)
    {
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencyTicks, latency.Ticks);
    }
}
