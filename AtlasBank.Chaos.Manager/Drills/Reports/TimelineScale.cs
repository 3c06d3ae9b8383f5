namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>Round numbers for the timeline's axes: ticks at 1, 2 or 5 times a power of ten, and on the time axis at whole minutes.</summary>
internal static class TimelineScale
{
    private static readonly int[] SecondSteps = [1, 2, 5, 10, 15, 20, 30, 60, 120, 300, 600, 900, 1800, 3600];

    /// <summary>The smallest round step in seconds that puts at most <paramref name="maxTicks"/> ticks on <paramref name="spanSeconds"/>.</summary>
    public static int SecondsStep(double spanSeconds, int maxTicks)
    {
        foreach (var step in SecondSteps)
        {
            if (spanSeconds / step <= maxTicks)
            {
                return step;
            }
        }

        return (int)Math.Ceiling(spanSeconds / maxTicks / 3600) * 3600;
    }

    /// <summary>A round step (1, 2 or 5 × 10ⁿ) that splits 0..<paramref name="max"/> into at most <paramref name="maxTicks"/> parts.</summary>
    public static double ValueStep(double max, int maxTicks)
    {
        if (max <= 0 || double.IsNaN(max) || double.IsInfinity(max))
        {
            return 1;
        }

        var rough = max / maxTicks;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        foreach (var factor in (double[])[1, 2, 5, 10])
        {
            if (factor * power >= rough)
            {
                return factor * power;
            }
        }

        return 10 * power;
    }

    /// <summary>The axis top: <paramref name="max"/> (at least <paramref name="floor"/>) rounded up to a whole step.</summary>
    public static (double Top, double Step) Axis(double max, double floor, int maxTicks)
    {
        var value = Math.Max(max, floor);
        var step = ValueStep(value, maxTicks);
        return (Math.Ceiling(value / step - 1e-9) * step, step);
    }
}
