namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>Nearest-rank percentiles, as latency reports usually mean them: the value at or below which p % of samples lie.</summary>
internal static class Percentiles
{
    /// <param name="sorted">Ascending.</param>
    public static double? Of(IReadOnlyList<double> sorted, double percentile)
    {
        if (sorted.Count == 0)
        {
            return null;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count);
        return sorted[Math.Clamp(rank, 1, sorted.Count) - 1];
    }
}
