namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// Latencies of a whole run in constant memory: log-linear bins of 1/64 of an octave over whole microseconds (exact
/// below 128 µs), each keeping how many samples fell into it and the largest. A percentile is the largest sample of
/// the bin the nearest rank falls into: a latency the run really measured, within 1.6 % of the exact percentile, and
/// the exact one whenever that bin holds one value. 2,176 bins of 16 bytes: 35 KB however long the run.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int ExactBelow = 128;
    private const int BinsPerOctave = 64;
    /// <summary>2^38 µs is 76 hours: far beyond any request timeout; anything longer lands in the last bin.</summary>
    private const int Octaves = 38 - 7 + 1;

    private readonly long[] _counts = new long[ExactBelow + (Octaves * BinsPerOctave)];
    private readonly double[] _largest = new double[ExactBelow + (Octaves * BinsPerOctave)];
    private long _total;

    public long Count => _total;

    public void Add(double latencyMs)
    {
        var bin = BinOf(latencyMs);
        _counts[bin]++;
        _largest[bin] = Math.Max(_largest[bin], latencyMs);
        _total++;
    }

    /// <summary>Nearest rank, as <see cref="Percentiles.Of"/>: null without samples.</summary>
    public double? Percentile(double percentile)
    {
        if (_total == 0)
        {
            return null;
        }

        var rank = Math.Clamp((long)Math.Ceiling(percentile / 100 * _total), 1, _total);
        var seen = 0L;
        for (var bin = 0; bin < _counts.Length; bin++)
        {
            seen += _counts[bin];
            if (seen >= rank)
            {
                return _largest[bin];
            }
        }

        return _largest[^1];
    }

    private static int BinOf(double latencyMs)
    {
        var micros = (long)Math.Min(latencyMs * 1_000, long.MaxValue / 2);
        if (micros < ExactBelow)
        {
            return (int)Math.Max(0, micros);
        }

        var octave = 63 - (int)long.LeadingZeroCount(micros);
        if (octave - 7 >= Octaves)
        {
            return ExactBelow + (Octaves * BinsPerOctave) - 1;
        }

        // The top 7 bits: the leading 1 and the 6 bits that say where in the octave the value lies.
        var withinOctave = (int)(micros >> (octave - 6)) - BinsPerOctave;
        return ExactBelow + ((octave - 7) * BinsPerOctave) + withinOctave;
    }
}
