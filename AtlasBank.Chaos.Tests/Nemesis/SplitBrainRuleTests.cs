using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Nemesis;

namespace AtlasBank.Chaos.Tests.Nemesis;

/// <summary>The split-brain rule on hand-made write records: what it flags and what it must let pass.</summary>
public sealed class SplitBrainRuleTests
{
    private static TransferRecord Write(string key, string region, long epoch, double invoked, double completed, bool replayed = false) =>
        new(key, Guid.Empty, Guid.Empty, 1m, TimeSpan.FromSeconds(invoked), OperationType.Ok, TimeSpan.FromSeconds(completed),
            Guid.NewGuid(), region, epoch, replayed, null);

    [Fact]
    public void AFailoverWhoseOldWriterStopsBeforeTheNewOneAcknowledgesIsNoSplitBrain()
    {
        TransferRecord[] writes = [Write("t1", DrRegions.A, 4, 0.0, 0.1), Write("t2", DrRegions.A, 4, 1.0, 1.1), Write("t3", DrRegions.B, 6, 2.0, 2.1), Write("t4", DrRegions.A, 8, 5.0, 5.1)];

        Assert.Empty(SplitBrainRule.Violations(writes));
    }

    [Fact]
    public void OneEpochWithWritesFromBothRegionsIsSplitBrain()
    {
        TransferRecord[] writes = [Write("t1", DrRegions.A, 4, 0.0, 0.1), Write("t2", DrRegions.B, 4, 1.0, 1.1)];

        var finding = Assert.Single(SplitBrainRule.Violations(writes));
        Assert.Contains("epoch 4 has writes from two regions", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void AWriteUnderASupersededEpochInvokedAfterTheNewWriterAcknowledgedIsSplitBrain()
    {
        TransferRecord[] writes = [Write("new", DrRegions.B, 6, 2.0, 2.1), Write("stale", DrRegions.A, 4, 2.5, 2.6)];

        var finding = Assert.Single(SplitBrainRule.Violations(writes));
        Assert.StartsWith("stale written by region-a under epoch 4", finding, StringComparison.Ordinal);
    }

    [Fact]
    public void WritesWhoseIntervalsOverlapAreNotOrderedAndReplaysAreNoWrites()
    {
        // The stale write began before the new writer's first acknowledgement ended: real time does not order them.
        // The replay on region A is a 200 for a key already posted: the ledger wrote nothing.
        TransferRecord[] writes = [Write("new", DrRegions.B, 6, 2.0, 2.1), Write("overlapping", DrRegions.A, 4, 2.05, 3.0), Write("replay", DrRegions.A, 4, 4.0, 4.1, replayed: true)];

        Assert.Empty(SplitBrainRule.Violations(writes));
    }
}
