using System.Diagnostics;
using System.Globalization;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Benchmarks.WorkloadMemory;

/// <summary>
/// The drill workload log's memory, old (<see cref="ListWorkloadLog"/>) and new (<see cref="WorkloadLog"/>) side by
/// side: a run of <c>minutes</c> at <c>rate</c> requests a second is recorded into each, with the times it would have
/// had (99 % acknowledged, 0.5 % rejected, 0.5 % unknown, latencies 5–50 ms), and an invariant check every 5 s as the
/// drills' invariants probe makes. Reported per log: the heap it holds at the end (after a full collection), bytes per
/// recorded request, and what a check and the probes' reads cost at minute 1 and at the last minute.
/// </summary>
public static class WorkloadLogMemory
{
    private static readonly DateTimeOffset RunStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);
    private static readonly Guid[] Accounts = [.. Enumerable.Range(0, 10).Select(_ => Guid.NewGuid())];

    public static int Run(int minutes, int ratePerSecond)
    {
        var requests = (long)minutes * 60 * ratePerSecond;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"workload log: {minutes} min at {ratePerSecond}/s = {requests:N0} requests, an invariant check every {CheckInterval.TotalSeconds:0} s"));
        Console.WriteLine("log    | held at the end | bytes/request | check at min 1      | check at the end     | window(10 s) + timeline at the end");
        Measure("old", minutes, ratePerSecond, time => new OldLog(new ListWorkloadLog(RunStart, time)));
        Measure("new", minutes, ratePerSecond, time => new NewLog(new WorkloadLog(RunStart, time)));
        return 0;
    }

    private static void Measure(string name, int minutes, int ratePerSecond, Func<TimeProvider, ILog> create)
    {
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var time = new SteppedTime(RunStart);
        var log = create(time);
        var random = new Random(7);
        var step = TimeSpan.FromTicks(TimeSpan.TicksPerSecond / ratePerSecond);
        var nextCheck = RunStart + CheckInterval;
        (int LookedUp, TimeSpan Took) first = default, last = default;
        var total = (long)minutes * 60 * ratePerSecond;
        for (var i = 0L; i < total; i++)
        {
            time.Now += step;
            var latency = TimeSpan.FromMilliseconds(5 + random.Next(45));
            var roll = random.Next(200);
            var result = roll switch
            {
                0 => new LedgerTransferResult(WorkloadOutcomes.Rejected, null, "409 Conflict: insufficient funds"),
                1 => new LedgerTransferResult(WorkloadOutcomes.Unknown, null, "TimeoutRejectedException: The operation didn't complete within the allowed timeout of '00:00:30'."),
                _ => new LedgerTransferResult(WorkloadOutcomes.Acknowledged, Guid.CreateVersion7(), null),
            };
            var from = Accounts[random.Next(Accounts.Length)];
            var to = Accounts[(Array.IndexOf(Accounts, from) + 1 + random.Next(Accounts.Length - 1)) % Accounts.Length];
            log.Record($"drill-0b5e7a4c2f1d4e8f9a6b3c2d1e0f9a8b-t{i + 1}", from, to, (1 + random.Next(1_000)) / 100m, time.Now - latency, result);
            if (time.Now >= nextCheck)
            {
                nextCheck += CheckInterval;
                var check = Check(log);
                if (time.Now - RunStart <= TimeSpan.FromMinutes(1))
                {
                    first = check;
                }

                last = check;
            }
        }

        var reads = Stopwatch.StartNew();
        var window = log.Window(time.Now - TimeSpan.FromSeconds(10));
        var seconds = log.Timeline();
        reads.Stop();
        var held = GC.GetTotalMemory(forceFullCollection: true) - before;
        GC.KeepAlive(log);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-6} | {held / 1_048_576.0,12:N1} MB | {(double)held / total,13:N1} | {first.LookedUp,6:N0} in {first.Took.TotalMilliseconds,7:N2} ms | {last.LookedUp,9:N0} in {last.Took.TotalMilliseconds,7:N2} ms | {window.Requests} requests, {seconds} seconds in {reads.Elapsed.TotalMilliseconds:N1} ms"));
    }

    /// <summary>What one invariant check reads of the log: the acknowledgements it looks up in the ledger (which all hold here).</summary>
    private static (int LookedUp, TimeSpan Took) Check(ILog log)
    {
        var watch = Stopwatch.StartNew();
        var lookedUp = log.CheckAndConfirm();
        return (lookedUp, watch.Elapsed);
    }

    private interface ILog
    {
        void Record(string key, Guid from, Guid to, decimal amount, DateTimeOffset dueAt, LedgerTransferResult result);

        int CheckAndConfirm();

        WorkloadWindow Window(DateTimeOffset since);

        int Timeline();
    }

    private sealed class OldLog(ListWorkloadLog log) : ILog
    {
        public void Record(string key, Guid from, Guid to, decimal amount, DateTimeOffset dueAt, LedgerTransferResult result) =>
            log.Record(key, from, to, amount, dueAt, result);

        /// <summary>The old check looked up every acknowledgement of the run, every time.</summary>
        public int CheckAndConfirm() => log.Requests().Count(request => request.Outcome == WorkloadOutcomes.Acknowledged);

        public WorkloadWindow Window(DateTimeOffset since) => log.Window(since);

        public int Timeline() => log.Timeline(null).Count;
    }

    private sealed class NewLog(WorkloadLog log) : ILog
    {
        public void Record(string key, Guid from, Guid to, decimal amount, DateTimeOffset dueAt, LedgerTransferResult result) =>
            log.Record(key, from, to, amount, dueAt, result);

        /// <summary>The new check looks up what no check confirmed, and confirms what it found.</summary>
        public int CheckAndConfirm()
        {
            var acknowledged = log.Unchecked().Unchecked.Where(request => request.Outcome == WorkloadOutcomes.Acknowledged).ToHashSet<WorkloadRequest>(ReferenceEqualityComparer.Instance);
            log.Confirm(acknowledged);
            return acknowledged.Count;
        }

        public WorkloadWindow Window(DateTimeOffset since) => log.Window(since);

        public int Timeline() => log.Timeline(null).Count;
    }
}
