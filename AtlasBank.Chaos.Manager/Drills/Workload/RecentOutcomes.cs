using AtlasBank.Chaos.Manager.Drills.Probes;

namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The outcomes of the last <see cref="Kept"/> (the longest window a probe may ask for), 24 bytes a request, in the
/// order they finished: the windows are exact, and what is older is let go, so a long run holds no more than a short
/// one. Not thread-safe: <see cref="WorkloadLog"/> holds its lock around every call.
/// </summary>
internal sealed class RecentOutcomes
{
    public static readonly TimeSpan Kept = TimeSpan.FromSeconds(HttpProbe.MaxWindowSeconds);

    private readonly Queue<Outcome> _outcomes = new();

    public void Add(DateTimeOffset finishedAt, double latencyMs, bool failed)
    {
        _outcomes.Enqueue(new Outcome(finishedAt.UtcTicks, latencyMs, failed));
        var oldest = (finishedAt - Kept).UtcTicks;
        while (_outcomes.Peek().FinishedTicks < oldest)
        {
            _outcomes.Dequeue();
        }
    }

    /// <summary>The requests that finished after <paramref name="since"/>.</summary>
    public WorkloadWindow Window(DateTimeOffset since)
    {
        var latencies = new List<double>();
        var errors = 0;
        var after = since.UtcTicks;
        foreach (var outcome in _outcomes)
        {
            if (outcome.FinishedTicks > after)
            {
                latencies.Add(outcome.LatencyMs);
                errors += outcome.Failed ? 1 : 0;
            }
        }

        latencies.Sort();
        return latencies.Count == 0
            ? new WorkloadWindow(0, null, null)
            : new WorkloadWindow(latencies.Count, (double)errors / latencies.Count, Percentiles.Of(latencies, 99));
    }

    private readonly record struct Outcome(long FinishedTicks, double LatencyMs, bool Failed);
}
