namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>Nearest-rank percentiles, as the report states them.</summary>
public static class LatencyPercentile
{
    public static double? Of(IReadOnlyCollection<double> values, double percentile)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
