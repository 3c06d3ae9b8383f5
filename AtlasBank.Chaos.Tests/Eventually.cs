using System.Diagnostics;

namespace AtlasBank.Chaos.Tests;

/// <summary>Bounded polling for effects that cross processes.</summary>
public static class Eventually
{
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (await condition())
            {
                return stopwatch.Elapsed;
            }

            await Task.Delay(20);
        }

        Assert.Fail($"Not within {timeout}: {what}");
        return stopwatch.Elapsed;
    }
}
