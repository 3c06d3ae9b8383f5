using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Drills.Workload;

/// <summary>
/// The views a run reads of its workload's requests (the recent window, the per-second timeline, the run's latency, the
/// acknowledgements a check or a failover needs), kept in memory that does not grow with the run's length.
/// </summary>
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

    [Fact]
    public void TheRunsPercentilesAreLatenciesItMeasuredAndExactWhenTheyDifferByMoreThanTheHistogramsResolution()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time);
        foreach (var latency in Enumerable.Range(1, 100))
        {
            Record(log, time, Acknowledged, latencyMs: latency * 10);
        }

        Assert.Equal(((double?)500, (double?)990), log.Latency());
    }

    [Fact]
    public void AWindowReachesBackAsFarAsTheLongestAProbeMayAskForAndNoFurther()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time);
        Record(log, time, Unknown, latencyMs: 10);
        time.Advance(RecentOutcomes.Kept + TimeSpan.FromSeconds(1));
        Record(log, time, Acknowledged, latencyMs: 20);

        Assert.Equal(new WorkloadWindow(1, 0, 20), log.Window(RunStart - TimeSpan.FromSeconds(1)));
        Assert.Equal((1L, 0L, 1L), log.Counts());
    }

    [Fact]
    public void TheNextCheckLooksUpOnlyTheAcknowledgementsNoEarlierCheckConfirmedAndCountsTheConfirmed()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time);
        var first = Record(log, time, Acknowledged, latencyMs: 10);
        var wrong = Record(log, time, Acknowledged, latencyMs: 10);
        var unknown = Record(log, time, Unknown, latencyMs: 10);

        log.Confirm(new HashSet<WorkloadRequest>([first], ReferenceEqualityComparer.Instance));
        var later = Record(log, time, Acknowledged, latencyMs: 10);

        var (waiting, earlier) = log.Unchecked();
        // The one a check found wrong waits to be named again; the unknown waits for the final check; the detail is let go.
        Assert.Equal([wrong, unknown with { Detail = null }, later], waiting);
        Assert.Equal(new EarlierChecks(1, 0, 0), earlier);
    }

    [Fact]
    public void BeyondTheLimitTheOldestUncheckedRequestsAreLetGoAndCountedSoMemoryStaysBounded()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time, new WorkloadOptions { UncheckedLimit = 1_000 });
        for (var i = 0; i < 1_500; i++)
        {
            Record(log, time, i % 3 == 0 ? Unknown : Acknowledged, latencyMs: 1);
        }

        var (waiting, earlier) = log.Unchecked();

        Assert.Equal(1_000, waiting.Count);
        Assert.Equal(new EarlierChecks(0, 333, 167), earlier);
    }

    [Fact]
    public void TheFirstWriteAfterAPromotionIsFoundExactlyWhileKeptAndWithinASecondAfterItsDetailWasLetGo()
    {
        var time = new FakeTimeProvider(RunStart);
        var log = new WorkloadLog(RunStart, time, new WorkloadOptions { AcknowledgementsKept = TimeSpan.FromSeconds(10) });
        time.Advance(TimeSpan.FromSeconds(5.2));
        var promoted = time.GetUtcNow();
        Record(log, time, Unknown, latencyMs: 1);
        time.Advance(TimeSpan.FromSeconds(0.5));
        var first = Record(log, time, Acknowledged, latencyMs: 1);
        time.Advance(TimeSpan.FromSeconds(0.7));
        var next = Record(log, time, Acknowledged, latencyMs: 1);

        Assert.Equal(first.FinishedAt, log.FirstAcknowledgedAtOrAfter(promoted));
        Assert.Equal([first, next], log.AcknowledgedUntil(time.GetUtcNow()));

        time.Advance(TimeSpan.FromSeconds(30));
        Record(log, time, Acknowledged, latencyMs: 1);

        // Second 5's acknowledgement was let go: the first of the seconds after it is what is known.
        Assert.Equal(next.FinishedAt, log.FirstAcknowledgedAtOrAfter(promoted));
        Assert.Single(log.AcknowledgedUntil(time.GetUtcNow()));
    }

    /// <summary>A request that was due <paramref name="latencyMs"/> ago and finishes now.</summary>
    private static WorkloadRequest Record(WorkloadLog log, FakeTimeProvider time, LedgerTransferResult result, double latencyMs) =>
        log.Record(Guid.NewGuid().ToString("N"), Guid.NewGuid(), Guid.NewGuid(), 1m, time.GetUtcNow() - TimeSpan.FromMilliseconds(latencyMs), result);
}
