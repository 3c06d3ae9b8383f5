using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;

namespace AtlasBank.Chaos.Tests.Drills.Invariants;

/// <summary>The invariants' judgements of a snapshot, for the cases a healthy ledger never produces.</summary>
public sealed class LedgerInvariantRulesTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);
    private static readonly Guid Alice = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid Bob = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Funding = Guid.Parse("00000000-0000-0000-0000-00000000000f");
    private static readonly Guid Outsider = Guid.Parse("00000000-0000-0000-0000-0000000000ee");

    [Fact]
    public void MoneyMovedOutOfTheRunByATransferNamesThatTransferWhenEveryBalanceMatchesItsEntries()
    {
        var leak = new LedgerTransferRow(Guid.NewGuid(), "someone-else", Alice, Outsider, 5m);
        var snapshot = Snapshot(alice: 95m, bob: 100m, transfers: [], boundary: [leak, new(Guid.NewGuid(), "fund-0", Funding, Alice, 100m)]);

        var conservation = LedgerInvariantRules.Conservation(Evidence(), snapshot, At);

        Assert.False(conservation.Holds);
        Assert.Equal([leak.Id.ToString()], conservation.Transfers);
        Assert.Equal([Alice], conservation.Accounts);
        Assert.Equal(
            $"the run's 2 accounts total 195.00, funded 200.00 (-5.00); transfer {leak.Id} moved 5.00 from {Alice} to {Outsider} across the run's accounts",
            conservation.Evidence);
    }

    [Fact]
    public void ANegativeBalanceOnARunAccountViolatesNoNegativeBalanceNamingIt()
    {
        var result = LedgerInvariantRules.NoNegativeBalance(Evidence(), Snapshot(alice: -1m, bob: 201m, transfers: []), At);

        Assert.False(result.Holds);
        Assert.Equal([Alice], result.Accounts);
        Assert.Equal($"account {Alice} (no overdraft) holds -1.00", result.Evidence);
    }

    [Fact]
    public void AnIdempotencyKeyWithTwoTransfersViolatesAcknowledgedExactlyOnce()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var evidence = Evidence(Request("k1", WorkloadOutcomes.Acknowledged, first));

        var result = LedgerInvariantRules.AcknowledgedExactlyOnce(evidence,
            Snapshot(alice: 99m, bob: 101m, transfers: [new(first, "k1", Alice, Bob, 1m), new(second, "k1", Alice, Bob, 1m)]), At);

        Assert.False(result.Holds);
        Assert.Equal([first.ToString(), second.ToString()], result.Transfers);
        Assert.Contains($"Idempotency-Key k1 has 2 transfers: {first}, {second}", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownThatResolvesToATransferOfAnotherAmountViolatesUnknownResolved()
    {
        var posted = Guid.NewGuid();
        var evidence = Evidence(Request("k2", WorkloadOutcomes.Unknown, null), Request("k3", WorkloadOutcomes.Unknown, null));

        var result = LedgerInvariantRules.UnknownResolved(evidence, Snapshot(alice: 98m, bob: 102m, transfers: [new(posted, "k2", Alice, Bob, 2m)]), At);

        Assert.False(result.Holds);
        Assert.Equal([posted.ToString()], result.Transfers);
        Assert.StartsWith("2 unknown outcomes looked up by Idempotency-Key: 0 exist once, 1 absent, 1 wrong:", result.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public void UnknownsThatExistOnceOrNotAtAllResolveAndAreCountedBothWays()
    {
        var posted = Guid.NewGuid();
        var evidence = Evidence(Request("k4", WorkloadOutcomes.Unknown, null), Request("k5", WorkloadOutcomes.Unknown, null));

        var result = LedgerInvariantRules.UnknownResolved(evidence, Snapshot(alice: 99m, bob: 101m, transfers: [new(posted, "k4", Alice, Bob, 1m)]), At);

        Assert.True(result.Holds);
        Assert.Equal("2 unknown outcomes looked up by Idempotency-Key: 1 exist once, 1 absent", result.Evidence);
    }

    private static WorkloadEvidence Evidence(params WorkloadRequest[] requests) => new([Alice, Bob], Funding, 200m, ["fund-0", "fund-1"], requests);

    private static WorkloadRequest Request(string key, string outcome, Guid? transferId) =>
        new(key, Alice, Bob, 1m, outcome, transferId, At, 5, null);

    /// <summary>Every balance equal to its entries, so a finding is the case's own.</summary>
    private static LedgerSnapshot Snapshot(decimal alice, decimal bob, IReadOnlyList<LedgerTransferRow> transfers, IReadOnlyList<LedgerTransferRow>? boundary = null) =>
        new(new Dictionary<Guid, LedgerAccountRow>
        {
            [Alice] = new(Alice, false, alice, alice, 2),
            [Bob] = new(Bob, false, bob, bob, 2),
            [Funding] = new(Funding, true, -200m, -200m, 2),
        }, transfers, boundary ?? []);
}
