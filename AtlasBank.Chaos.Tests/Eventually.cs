using System.Diagnostics;

namespace AtlasBank.Chaos.Tests;

/// <summary>Bounded polling for effects that cross processes: the one way every test waits.</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Polls until <paramref name="condition"/> holds; returns how long that took, or fails naming <paramref name="what"/>.</summary>
    public static Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, string what) =>
        TrueAsync(condition, timeout, () => Task.FromResult($"Not within {timeout}: {what}"));

    /// <summary>As above; <paramref name="describeFailure"/> says what was seen last when the time runs out.</summary>
    public static async Task<TimeSpan> TrueAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describeFailure)
    {
        var stopwatch = Stopwatch.StartNew();
        while (stopwatch.Elapsed < timeout)
        {
            if (await condition())
            {
                return stopwatch.Elapsed;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail(await describeFailure());
        return stopwatch.Elapsed;
    }

    /// <summary>Polls a synchronous condition (e.g. over collected log lines) the same way.</summary>
    public static Task<TimeSpan> TrueAsync(Func<bool> condition, TimeSpan timeout, Func<string> describeFailure) =>
        TrueAsync(() => Task.FromResult(condition()), timeout, () => Task.FromResult(describeFailure()));
}
