using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Drills.Workload;

/// <summary>The views a run reads of its workload's requests: the recent window and the per-second timeline.</summary>
public sealed class WorkloadLogTests
{
    private static readonly DateTimeOffset RunStart = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly LedgerTransferResult Acknowledged = new(WorkloadOutcomes.Acknowledged, Guid.NewGuid(), null);
    private static readonly LedgerTransferResult Unknown = new(WorkloadOutcomes.Unknown, null, "503");

    [Fact]
    public void TheTimelineHasOneEntryPerSecondSinceTheRunStartedIncludingSecondsWithoutRequests()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time);
        time.Advance(TimeSpan.FromMilliseconds(500));
        Record(log, time, Acknowledged, latencyMs: 100);
        time.Advance(TimeSpan.FromSeconds(2));
        Record(log, time, Unknown, latencyMs: 300);

        var timeline = log.Timeline(until: null);

        Assert.Equal(
            [new WorkloadSecond(0, 1, 0, 0, 100, 100), new WorkloadSecond(1, 0, 0, 0, null, null), new WorkloadSecond(2, 0, 0, 1, 300, 300)],
            timeline);
        Assert.Equal(4, log.Timeline(until: RunStart.AddSeconds(3.2)).Count);
    }

    [Fact]
    public void TheWindowCountsOnlyRequestsThatFinishedWithinItAndNullsWhenThereAreNone()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time);
        Record(log, time, Unknown, latencyMs: 900);
        time.Advance(TimeSpan.FromSeconds(10));
        Record(log, time, Acknowledged, latencyMs: 20);
        Record(log, time, Unknown, latencyMs: 40);

        Assert.Equal(new WorkloadWindow(2, 0.5, 40), log.Window(time.GetUtcNow() - TimeSpan.FromSeconds(5)));
        Assert.Equal(new WorkloadWindow(0, null, null), log.Window(time.GetUtcNow()));
    }

    /// <summary>A request that was due <paramref name="latencyMs"/> ago and finishes now.</summary>
    private static void Record(WorkloadLog log, FakeTimeProvider time, LedgerTransferResult result, double latencyMs) =>
        log.Record(Guid.NewGuid().ToString("N"), Guid.NewGuid(), Guid.NewGuid(), 1m, time.GetUtcNow() - TimeSpan.FromMilliseconds(latencyMs), result);
}
