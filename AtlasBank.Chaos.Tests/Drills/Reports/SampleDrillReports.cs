using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Reports;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Tests.Drills.Reports;

/// <summary>
/// Reports built by hand, shaped as the built-in drills' runs are: one passed with a workload, one failed on a
/// tampered balance, one aborted without a workload, one still running, a long one, and one that failed over to
/// region B and back in async mode (two stranded transfers: one posted again, one left for manual review). The
/// numbers are made up but consistent (a seeded generator), so the page has something real-looking to draw.
/// </summary>
internal static class SampleDrillReports
{
    public const string ScriptDetail = "<script>alert(1)</script>";

    public static readonly DateTimeOffset Start = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    public static readonly Guid TamperedAccount = Guid.Parse("0193f2a0-0000-7000-8000-00000000a11c");

    public const string TamperedTransfer = "0193f2a0-0000-7000-8000-0000000071f1";

    public static IReadOnlyList<(string Name, DrillReport Report)> All =>
    [
        ("passed", Passed()), ("failed", Failed()), ("aborted", Aborted()), ("running", Running()), ("long", Long()),
        ("failed-over", FailedOver()),
    ];

    public static readonly Guid StrandedPosted = Guid.Parse("0193f2a0-0000-7000-8000-0000005a1d01");

    public static readonly Guid StrandedForReview = Guid.Parse("0193f2a0-0000-7000-8000-0000005a1d02");

    public static readonly Guid RepostedAs = Guid.Parse("0193f2b1-0000-7000-8000-00000000b001");

    public const string ReviewReason = "422 insufficient_funds: account 0193f2a0-0000-7000-8000-000000000003 holds 310.00, the transfer needs 740.00";

    /// <summary>
    /// The regional-outage drill in async mode: region A's ledger fails every call at +8.3 s, the detector finds it
    /// down, region B is promoted, the workload goes on against region B, then the bank fails back at +18.9 s.
    /// Region A had acknowledged two transfers region B lacked; reconciling posts one and leaves one for a person.
    /// </summary>
    public static DrillReport FailedOver()
    {
        var accounts = Accounts(10);
        var stranded = new List<StrandedTransfer>
        {
            new(StrandedPosted, "wl-0193f2a0-0412", accounts[0], accounts[1], 12.50m, "EUR", null, Start.AddSeconds(8.24)),
            new(StrandedForReview, "wl-0193f2a0-0413", accounts[2], accounts[4], 740.00m, "EUR", null, Start.AddSeconds(8.27)),
        };
        var failover = new FailoverRecord
        {
            FailoverId = "fo-0193f2a0-0001",
            Kind = FailoverKinds.Failover,
            FromRegion = "region-a",
            ToRegion = "region-b",
            State = FailoverStates.Completed,
            Reason = "drill run 0193f2a0-6666-7000-8000-000000000006 (regional-outage-async), automatic promotion",
            StartedBy = "ops-oncall",
            FaultStartedAt = Start.AddSeconds(8.3),
            DetectedAt = Start.AddSeconds(9.72),
            StartedAt = Start.AddSeconds(9.73),
            CompletedAt = Start.AddSeconds(10.51),
            FirstWriteAt = Start.AddSeconds(10.58),
            ThroughputRecoveredAt = Start.AddSeconds(12),
            Fenced = true,
            FenceDetail = "region-a's database revoked the ledger's write grant; region-a's ledger confirmed it refuses writes at epoch 1",
            FromDatabaseReachable = true,
            FromLedgerConfirmedFence = true,
            FromLsnAtFence = "0/3A1F2C8",
            FromTransfersAtFence = 1_412,
            LagBytesAtFault = 18_432,
            Mode = ReplicationModes.Async,
            RpoTransactions = 2,
            RpoAmount = 752.50m,
            RpoTransferIds = [StrandedPosted, StrandedForReview],
            RpoSource = RpoSources.Database,
            Stranded = stranded,
        };
        var failback = new FailoverRecord
        {
            FailoverId = "fb-0193f2a0-0002",
            Kind = FailoverKinds.Failback,
            FromRegion = "region-b",
            ToRegion = "region-a",
            State = FailoverStates.Completed,
            Reason = "drill run 0193f2a0-6666-7000-8000-000000000006 (regional-outage-async)",
            StartedBy = "ops-oncall",
            StartedAt = Start.AddSeconds(18.9),
            CompletedAt = Start.AddSeconds(23.8),
            Fenced = true,
            FenceDetail = "region-b's database revoked the ledger's write grant",
            FromDatabaseReachable = true,
            Reconciliation =
            [
                new(StrandedPosted, "wl-0193f2a0-0412", 12.50m, ReconcileOutcomes.Posted, RepostedAs, null, Start.AddSeconds(19.02)),
                new(StrandedForReview, "wl-0193f2a0-0413", 740.00m, ReconcileOutcomes.ManualReview, null, ReviewReason, Start.AddSeconds(19.08)),
            ],
            ChecksumsEqual = true,
            Checksum = "sha256:6f1c0e2a9b7d4c3e8a5f0b1d2c3e4f5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4",
        };

        var timeline = Timeline(60, 20, 8, 11, latencyMs: 0, errorRate: 0, seed: 6)
            .Select(second => second.Second switch
            {
                8 => second with { Acknowledged = 5, Rejected = 12, Unknown = 3, P50Ms = 22, P99Ms = 310 },
                9 => second with { Acknowledged = 0, Rejected = 17, Unknown = 2, P50Ms = 14, P99Ms = 180 },
                10 => second with { Acknowledged = 8, Rejected = 9, Unknown = 1, P50Ms = 240, P99Ms = 780 },
                11 => second with { Acknowledged = 19, Rejected = 0, Unknown = 0, P50Ms = 31, P99Ms = 96 },
                >= 12 and < 19 => second with { P50Ms = second.P50Ms + 6, P99Ms = second.P99Ms + 18 },
                >= 22 and < 24 => second with { Acknowledged = second.Second == 22 ? 6 : 11, P50Ms = 640, P99Ms = 1_420 },
                _ => second,
            })
            .ToList();
        var checks = Checks(60, 5, ("money", "invariants"));
        foreach (var probe in new[] { ("transfers", "workload"), ("dr-replication", "replication") })
        {
            checks.Add(new(Start, "before", probe.Item1, probe.Item2, "held", $"{probe.Item1}: within tolerance"));
            checks.Add(new(Start.AddSeconds(60), "after", probe.Item1, probe.Item2, "held", $"{probe.Item1}: within tolerance"));
        }

        checks.Add(new(Start, "before", "recovery", "failover", "skipped", "no failover yet"));
        for (var at = 5; at < 60; at += 5)
        {
            checks.Add(at switch
            {
                < 10 => new(Start.AddSeconds(at + 0.1), "during", "recovery", "failover", "skipped", "no failover yet"),
                < 20 => new(Start.AddSeconds(at + 0.1), "during", "recovery", "failover", "skipped", "RTO to the first write not measured yet, RPO 2 transfers (database)"),
                _ => new(Start.AddSeconds(at + 0.1), "during", "recovery", "failover", "held", "RTO to the first write 2.28 s, RPO 2 transfers (database)"),
            });
        }

        checks.Add(new(Start.AddSeconds(60), "after", "recovery", "failover", "held", "RTO to the first write 2.28 s, RPO 2 transfers (database)"));

        return new DrillReport(
            "0193f2a0-6666-7000-8000-000000000006", "regional-outage-async", "Region A outage in async mode, failover to region B and back (RPO measured, not bounded)",
            "Demonstrates that losing region A leaves transfers served from region B within 10 s of the fault, money conserved across both regions, and every transfer region A acknowledged but region B lacked reconciled or handed to a person (DORA art. 11, 12).",
            "ledger-region-a", "ops-oncall", new DrillRunParameters(60, null), DrillRunStates.Passed,
            "The hypothesis held before, during and after; every invariant held. RPO 2 transfers (async mode): 1 posted again, 1 in manual review.",
            Start.AddSeconds(-0.4), Start, Start.AddSeconds(60.6),
            [
                Step(0, "method", "workload", "Workload 20/s, 8 clients, 10 accounts, in the background", 0, 0.2),
                Step(1, "method", "wait", "Wait 8 s", 0.2, 8.2),
                Step(2, "method", "bulk-enable", "Bulk-enable chaos: ledger-region-a failure 1.0, payments-region-a failure 1.0", 8.2, 8.3),
                Step(3, "method", "failover", "fail over once the active region is found down (at most 20 s)", 8.3, 10.6,
                    detail: "region-a to region-b: detected after 1.42 s, promoted after 2.21 s; fenced True; RPO 2 (database)"),
                Step(4, "method", "inject", "Inject once on ledger-region-a", 10.6, 10.7),
                Step(5, "method", "wait", "Wait 8 s", 10.7, 18.7),
                Step(6, "method", "disable", "Disable chaos on ledger-region-a", 18.7, 18.8),
                Step(7, "method", "disable", "Disable chaos on payments-region-a", 18.8, 18.9),
                Step(8, "method", "failback", "fail back: reconcile, rebuild region A, resubscribe DR, switch home", 18.9, 24.3,
                    detail: "region-b to region-a: checksums equal True; reconciled 1 posted, 1 manual-review"),
                Step(9, "method", "wait", "Wait the rest of the run", 24.3, 60),
                Step(0, "rollback", "failback", "fail back: reconcile, rebuild region A, resubscribe DR, switch home", 60.2, 60.3,
                    detail: "nothing to fail back: the run did not fail over"),
            ],
            checks,
            [
                new ChaosBand("ledger-region-a", "failure", Start.AddSeconds(8.3), Start.AddSeconds(18.8)),
                new ChaosBand("payments-region-a", "failure", Start.AddSeconds(8.3), Start.AddSeconds(18.9)),
            ],
            timeline,
            new WorkloadSummary(accounts, Guid.Parse("0193f2a0-0000-7000-8000-00000000f00d"), 10_000.00m, 8, 20, 1_190, 1_139, 38, 13, 19.0, 24.6, 412.0),
            Invariants(60, 10, accounts, violatedAt: null),
            1.12,
            new AuditHead(9_100, "7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e7e57ab1e"),
            new AuditHead(9_131, "e1ba75e7e1ba75e7e1ba75e7e1ba75e7e1ba75e7e1ba75e7e1ba75e7e1ba75e7"),
            failover,
            failback);
    }

    public static DrillReport Passed()
    {
        var accounts = Accounts(10);
        return new DrillReport(
            "0193f2a0-1111-7000-8000-000000000001", "service-latency", "Ledger latency 500 ms (spec Experiment 1)",
            "Demonstrates that 500 ms of latency on the core ledger slows transfers but fails none and keeps money conserved (DORA art. 11).",
            "ledger", "ops-oncall", new DrillRunParameters(60, null), DrillRunStates.Passed,
            "The hypothesis held before, during and after; every invariant held.",
            Start.AddSeconds(-1.2), Start, Start.AddSeconds(61.4),
            [
                Step(0, "method", "workload", "Workload 20/s, 8 clients, 10 accounts, in the background", 0, 0.3),
                Step(1, "method", "wait", "Wait 5 s", 0.3, 5.3),
                Step(2, "method", "enable", "Enable latency on ledger: DelayMs 500", 5.3, 5.4),
                Step(3, "method", "wait", "Wait the rest of the run (44.6 s)", 5.4, 50),
                Step(4, "method", "disable", "Disable chaos on ledger", 50, 50.1),
                Step(5, "method", "wait", "Wait 10 s", 50.1, 60.1),
                Step(0, "rollback", "disable-all", "Disable every experiment the drill enabled (none left on)", 60.4, 60.5),
            ],
            Checks(60, 5, ("ledger-health", "http"), ("transfers", "workload"), ("money", "invariants"), ("dr-replication", "replication")),
            [new ChaosBand("ledger", "latency", Start.AddSeconds(5.4), Start.AddSeconds(50.1))],
            Timeline(60, 20, 5, 50, latencyMs: 500, errorRate: 0.002, seed: 1),
            new WorkloadSummary(accounts, Guid.Parse("0193f2a0-0000-7000-8000-00000000f00d"), 10_000.00m, 8, 20, 1_196, 1_190, 4, 2, 19.8, 212.4, 742.9),
            Invariants(60, 10, accounts, violatedAt: null),
            0.84,
            new AuditHead(4_211, "9c1f0e6d8a7b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d"),
            new AuditHead(4_219, "1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809"));
    }

    public static DrillReport Failed()
    {
        var accounts = Accounts(10).Append(TamperedAccount).ToList();
        var checks = Checks(48, 5, ("ledger-health", "http"), ("transfers", "workload"), ("money", "invariants"), ("dr-replication", "replication")).ToList();
        checks.Add(new DrillCheckRecord(Start.AddSeconds(41), "during", "money", "invariants", "violated",
            $"conservation: the run's accounts sum to 9,900.00, funded 10,000.00 (account {TamperedAccount})"));
        checks.Add(new DrillCheckRecord(Start.AddSeconds(30.2), "during", "transfers", "workload", "violated", "p99 4,420 ms over 10 s > 4,000 ms"));
        return new DrillReport(
            "0193f2a0-2222-7000-8000-000000000002", "latency-spike", "Ledger latency spike 2000 ms (spec game day Scenario 2) & <friends>",
            "Demonstrates that a network latency spike on the core ledger slows transfers but fails none, keeps money conserved and clears when the spike ends.",
            "ledger", "ops-\"quoted\"-key", new DrillRunParameters(90, 25), DrillRunStates.Failed,
            $"Invariant conservation violated at +40 s: account {TamperedAccount} changed outside any transfer.",
            Start.AddSeconds(-0.5), Start, Start.AddSeconds(48.6),
            [
                Step(0, "method", "workload", "Workload 25/s, 8 clients, 10 accounts, in the background", 0, 0.2),
                Step(1, "method", "wait", "Wait 5 s", 0.2, 5.2),
                Step(2, "method", "enable", "Enable latency on ledger: DelayMs 2000, RetryCount 5", 5.2, 5.3),
                Step(3, "method", "inject", "Inject 20 times, 500 ms apart", 5.3, 15.4, detail: ScriptDetail),
                Step(4, "method", "wait", "Wait the rest of the run", 15.4, 41.1, outcome: "failed", detail: "Stopped: invariant conservation violated"),
                Step(5, "method", "disable", "Disable chaos on ledger", 41.1, null, outcome: "skipped"),
                Step(0, "rollback", "disable-all", "Disable every experiment the drill enabled: ledger", 41.3, 41.4),
                Step(1, "rollback", "wait", "Wait 5 s", 41.4, 46.4),
            ],
            checks,
            [new ChaosBand("ledger", "latency", Start.AddSeconds(5.3), Start.AddSeconds(41.4))],
            Timeline(48, 25, 5, 41, latencyMs: 2000, errorRate: 0.03, seed: 2),
            new WorkloadSummary(accounts, Guid.Parse("0193f2a0-0000-7000-8000-00000000f00d"), 10_000.00m, 8, 25, 1_020, 958, 31, 31, 19.9, 1_804.2, 4_420.7),
            Invariants(48, 10, accounts, violatedAt: 40),
            null,
            new AuditHead(5_001, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789"),
            new AuditHead(5_007, "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"));
    }

    public static DrillReport Aborted() => new(
        "0193f2a0-3333-7000-8000-000000000003", "bulk", "Bulk chaos on three services (spec Experiment 3)",
        "Demonstrates that chaos on several services at once stays within impact tolerance (PRA SS1/21).",
        "ledger", "admin", new DrillRunParameters(60, null), DrillRunStates.Aborted,
        "Aborted by operator key 'ops-oncall' at +22.4 s.",
        Start.AddSeconds(-0.3), Start, Start.AddSeconds(24.9),
        [
            Step(0, "method", "bulk-enable", "Bulk-enable chaos: ledger latency 300 ms, payments failure 0.2, accounts latency 150 ms", 0.1, 0.3),
            Step(1, "method", "wait", "Wait 15 s", 0.3, 15.3),
            Step(2, "method", "disable", "Disable chaos on payments", 15.3, 15.4),
            Step(3, "method", "wait", "Wait the rest of the run", 15.4, 22.4, outcome: "failed", detail: "Stopped: the run was aborted"),
            Step(0, "rollback", "disable-all", "Disable every experiment the drill enabled: ledger, accounts", 22.5, 22.6),
            Step(1, "rollback", "wait", "Wait 2 s", 22.6, 24.6),
        ],
        Checks(22, 5, ("ledger-health", "http"), ("payments-health", "http")),
        [
            new ChaosBand("ledger", "latency", Start.AddSeconds(0.3), Start.AddSeconds(22.6)),
            new ChaosBand("payments", "failure", Start.AddSeconds(0.3), Start.AddSeconds(15.4)),
            new ChaosBand("accounts", "latency", Start.AddSeconds(0.3), Start.AddSeconds(22.6)),
        ],
        [], null, [], null,
        new AuditHead(6_100, "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"),
        new AuditHead(6_104, "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"));

    public static DrillReport Running()
    {
        var accounts = Accounts(6);
        return new DrillReport(
            "0193f2a0-4444-7000-8000-000000000004", "nightly", "Nightly: ledger latency 100 ms, 100 injects",
            "Demonstrates every night that light latency on the ledger keeps money conserved.",
            "ledger", "ci-nightly", new DrillRunParameters(45, 50), DrillRunStates.Running, null,
            Start.AddSeconds(-0.2), Start, null,
            [
                Step(0, "method", "workload", "Workload 50/s, 8 clients, 6 accounts, in the background", 0, 0.2),
                Step(1, "method", "enable", "Enable latency on ledger: DelayMs 100", 0.2, 0.3),
                Step(2, "method", "inject", "Inject 100 times, 100 ms apart", 0.3, null, outcome: "running"),
            ],
            Checks(15, 5, ("ledger-health", "http"), ("transfers", "workload")),
            [new ChaosBand("ledger", "latency", Start.AddSeconds(0.3), null)],
            Timeline(15, 50, 0, 15, latencyMs: 100, errorRate: 0, seed: 4),
            new WorkloadSummary(accounts, Guid.Parse("0193f2a0-0000-7000-8000-00000000f00d"), 6_000.00m, 8, 50, 740, 740, 0, 0, 49.3, 118.2, 171.5),
            Invariants(15, 10, accounts, violatedAt: null),
            null,
            new AuditHead(7_000, "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"),
            null);
    }

    /// <summary>Ten minutes of workload with two chaos windows: the axis has to thin its ticks and its bars.</summary>
    public static DrillReport Long()
    {
        var accounts = Accounts(20);
        var timeline = Timeline(600, 120, 60, 240, latencyMs: 800, errorRate: 0.01, seed: 5)
            .Select(second => second.Second is >= 360 and < 480 ? second with { P50Ms = 950, P99Ms = 2600, Unknown = second.Unknown + 9 } : second)
            .ToList();
        return new DrillReport(
            "0193f2a0-5555-7000-8000-000000000005", "partial-degradation", "Payments 30 % failures with 1 s delay, twice (soak)",
            "Demonstrates that partial degradation of payments stays within tolerance over ten minutes.",
            "payments", "ops-oncall", new DrillRunParameters(600, 120), DrillRunStates.Passed, "The hypothesis held; every invariant held.",
            Start, Start, Start.AddSeconds(603),
            [
                Step(0, "method", "workload", "Workload 120/s, 16 clients, 20 accounts", 0, 0.5),
                Step(1, "method", "wait", "Wait 60 s", 0.5, 60),
                Step(2, "method", "enable", "Enable failure on payments: 0.3, DelayMs 1000", 60, 60.1),
                Step(3, "method", "wait", "Wait 180 s", 60.1, 240),
                Step(4, "method", "disable", "Disable chaos on payments", 240, 240.1),
                Step(5, "method", "wait", "Wait 120 s", 240.1, 360),
                Step(6, "method", "enable", "Enable failure on payments again", 360, 360.1),
                Step(7, "method", "wait", "Wait 120 s", 360.1, 480),
                Step(8, "method", "disable", "Disable chaos on payments", 480, 480.1),
                Step(9, "method", "wait", "Wait the rest of the run", 480.1, 600),
                Step(0, "rollback", "disable-all", "Disable every experiment the drill enabled (none left on)", 601, 601.1),
            ],
            Checks(600, 10, ("payments-health", "http"), ("transfers", "workload"), ("money", "invariants"), ("dr-replication", "replication"), ("drift", "drift")),
            [
                new ChaosBand("payments", "failure", Start.AddSeconds(60.1), Start.AddSeconds(240.1)),
                new ChaosBand("payments", "failure", Start.AddSeconds(360.1), Start.AddSeconds(480.1)),
            ],
            timeline,
            new WorkloadSummary(accounts, Guid.Parse("0193f2a0-0000-7000-8000-00000000f00d"), 20_000.00m, 16, 120, 71_800, 70_950, 400, 450, 118.3, 402.7, 2_311.0),
            Invariants(600, 30, accounts, violatedAt: null),
            2.41,
            new AuditHead(8_000, "aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55"),
            new AuditHead(8_012, "55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa55aa"));
    }

    private static List<Guid> Accounts(int count) =>
        [.. Enumerable.Range(1, count).Select(i => Guid.Parse($"0193f2a0-0000-7000-8000-{i:x12}"))];

    private static DrillStepRecord Step(
        int index, string phase, string kind, string description, double from, double? to, string outcome = "done", string? detail = null) =>
        new(index, phase, kind, description, Start.AddSeconds(from), to is { } end ? Start.AddSeconds(end) : null, outcome, detail);

    /// <summary>Every probe checked before (at 0), every <paramref name="interval"/> seconds during, and after (at the end).</summary>
    private static List<DrillCheckRecord> Checks(int seconds, int interval, params (string Name, string Kind)[] probes)
    {
        var checks = new List<DrillCheckRecord>();
        foreach (var (name, kind) in probes)
        {
            checks.Add(new(Start, "before", name, kind, "held", $"{name}: within tolerance"));
            for (var at = interval; at < seconds; at += interval)
            {
                var outcome = kind == "workload" && at < 5 ? "skipped" : "held";
                checks.Add(new(Start.AddSeconds(at + 0.1), "during", name, kind, outcome, outcome == "skipped" ? "no request finished yet" : $"{name}: p99 {300 + at} ms ≤ 4,000 ms"));
            }

            checks.Add(new(Start.AddSeconds(seconds), "after", name, kind, "held", $"{name}: within tolerance"));
        }

        return checks;
    }

    private static List<WorkloadSecond> Timeline(int seconds, int rate, int chaosFrom, int chaosTo, double latencyMs, double errorRate, int seed)
    {
        var random = new Random(seed);
        var timeline = new List<WorkloadSecond>();
        for (var second = 0; second < seconds; second++)
        {
            var chaos = second >= chaosFrom && second < chaosTo;
            var requests = Math.Max(0, rate + random.Next(-2, 3) - (chaos ? rate / 5 : 0));
            var errors = chaos ? (int)Math.Round(requests * errorRate * (0.5 + random.NextDouble())) : 0;
            var p50 = (chaos ? latencyMs : 0) + 8 + (random.NextDouble() * 6);
            var p99 = (chaos ? latencyMs * 1.4 : 0) + 30 + (random.NextDouble() * 40);
            timeline.Add(new WorkloadSecond(second, requests - errors, errors / 2, errors - (errors / 2), p50, p99));
        }

        return timeline;
    }

    private static List<InvariantResult> Invariants(int seconds, int interval, List<Guid> accounts, int? violatedAt)
    {
        var results = new List<InvariantResult>();
        for (var at = interval; at <= seconds; at += interval)
        {
            foreach (var invariant in LedgerInvariantNames.All)
            {
                var violated = violatedAt is { } when && at >= when && invariant == LedgerInvariantNames.Conservation;
                results.Add(violated
                    ? new InvariantResult(invariant, Start.AddSeconds(at), false,
                        $"Sum of the run's {accounts.Count} accounts' balances in one snapshot: 9,900.00; funded: 10,000.00. Account {TamperedAccount} holds 100.00 less than its entries & no transfer <explains> it.",
                        [TamperedAccount], [TamperedTransfer])
                    : new InvariantResult(invariant, Start.AddSeconds(at), true,
                        $"{invariant}: read {accounts.Count} accounts in one snapshot; all as expected.", [], []));
            }
        }

        return results;
    }
}
