using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>An HTTP probe's latencies of the last window, for its p99.</summary>
public sealed class LatencyWindow
{
    private readonly Queue<(DateTimeOffset At, double Ms)> _samples = new();

    /// <summary>Adds a sample and returns the p99 of the samples within <paramref name="window"/> of <paramref name="now"/>.</summary>
    public double Add(DateTimeOffset now, double latencyMs, TimeSpan window)
    {
        lock (_samples)
        {
            _samples.Enqueue((now, latencyMs));
            while (_samples.Peek().At < now - window)
            {
                _samples.Dequeue();
            }

            return Percentiles.Of([.. _samples.Select(sample => sample.Ms).Order()], 99)!.Value;
        }
    }
}
