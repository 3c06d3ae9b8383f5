using AtlasBank.Chaos.Manager.Audit;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>What verification concludes from the rows and the anchors, case by case, without a database.</summary>
public sealed class AuditChainWalkTests
{
    [Fact]
    public void AnIntactKeyedChainWithItsAnchorsVerifies()
    {
        var rows = AuditTestChain.Build(6);

        var result = AuditTestChain.Verify(rows, rows.Select(row => AuditTestChain.AnchorOf(row)));

        Assert.True(result.Valid, result.Reason);
        Assert.Equal(6, result.RowsChecked);
        Assert.Equal(6, result.AnchorsChecked);
        Assert.Equal(6, result.NewestAnchor?.Id);
        Assert.Equal(1, result.FirstKeyedId);
        Assert.Equal(0, result.LegacyRows);
        Assert.Null(result.BrokenAtId);
    }

    [Fact]
    public void RowsWrittenBeforeTheKeyVerifyAsLegacyUpToTheFirstKeyedRow()
    {
        var rows = AuditTestChain.Build(6, legacy: 3);

        var result = AuditTestChain.Verify(rows, [AuditTestChain.AnchorOf(rows[^1])]);

        Assert.True(result.Valid, result.Reason);
        Assert.Equal(3, result.LegacyRows);
        Assert.Equal(4, result.FirstKeyedId);
    }

    [Fact]
    public void ALegacyRowRewrittenBeforeTheKeyIsCaughtByTheFirstKeyedRowsMac()
    {
        var rows = AuditTestChain.Build(6, legacy: 3);
        var legacyPart = rows[..3];
        legacyPart[1] = legacyPart[1] with { Detail = "nothing to see" };
        AuditTestChain.RehashFrom(legacyPart, 2, AuditChainVersion.Legacy);
        rows = [.. legacyPart, .. rows[3..]];

        var result = AuditTestChain.Verify(rows, []);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstRewrittenId); // the last legacy row no longer carries the hash row 4's MAC covers
    }

    [Fact]
    public void ARowRewrittenWithRecomputedPlainSha256HashesIsNamed()
    {
        var rows = AuditTestChain.Build(6);
        var anchors = new[] { AuditTestChain.AnchorOf(rows[^1]) };
        rows[2] = rows[2] with { Detail = "nothing to see" };
        AuditTestChain.RehashFrom(rows, 3, AuditChainVersion.Keyed);

        var result = AuditTestChain.Verify(rows, anchors);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstRewrittenId);
        Assert.Equal(3, result.BrokenAtId);
        Assert.Null(result.TailTruncatedFromId);
        Assert.Null(result.FirstMissingId);
    }

    [Fact]
    public void RowsDowngradedToLegacyAfterTheFirstKeyedRowAreRewritten()
    {
        var rows = AuditTestChain.Build(6);
        rows[3] = rows[3] with { Detail = "nothing to see" };
        AuditTestChain.RehashFrom(rows, 4, AuditChainVersion.Legacy);

        var result = AuditTestChain.Verify(rows, []);

        Assert.False(result.Valid);
        Assert.Equal(4, result.FirstRewrittenId);
        Assert.Equal(0, result.LegacyRows);
        Assert.Equal(1, result.FirstKeyedId);
    }

    [Fact]
    public void AChainDowngradedToLegacyFromItsFirstRowIsCaughtByItsAnchor()
    {
        var rows = AuditTestChain.Build(6);
        var anchors = new[] { AuditTestChain.AnchorOf(rows[^1]) };
        rows[0] = rows[0] with { Detail = "nothing to see" };
        AuditTestChain.RehashFrom(rows, 1, AuditChainVersion.Legacy);

        var withAnchor = AuditTestChain.Verify(rows, anchors);

        Assert.False(withAnchor.Valid);
        Assert.Equal(6, withAnchor.FirstRewrittenId);
        Assert.Null(withAnchor.TailTruncatedFromId);
    }

    [Fact]
    public void AGapIsNamedByTheFirstMissingId()
    {
        var rows = AuditTestChain.Build(6);
        var anchors = rows.Select(row => AuditTestChain.AnchorOf(row)).ToList();
        rows.RemoveAt(2);

        var result = AuditTestChain.Verify(rows, anchors);

        Assert.False(result.Valid);
        Assert.Equal(3, result.FirstMissingId);
        Assert.Equal(3, result.BrokenAtId);
        Assert.Null(result.FirstRewrittenId);
        Assert.Null(result.TailTruncatedFromId);
    }

    [Fact]
    public void ATableEndingBeforeTheNewestAnchorIsATruncatedTail()
    {
        var rows = AuditTestChain.Build(6);
        var anchors = new[] { AuditTestChain.AnchorOf(rows[^1]) };

        var result = AuditTestChain.Verify(rows[..3], anchors);

        Assert.False(result.Valid);
        Assert.Equal(4, result.TailTruncatedFromId);
        Assert.Equal(4, result.BrokenAtId);
        Assert.Equal(3, result.LastRowId);
        Assert.Equal(6, result.NewestAnchor?.Id);
        Assert.Null(result.FirstRewrittenId);
        Assert.Null(result.FirstMissingId);
    }

    [Fact]
    public void ATailCutAndRegrownIsNamedWhereTheRowsNoLongerMatchTheirAnchors()
    {
        var rows = AuditTestChain.Build(6);
        var anchors = rows[4..].Select(row => AuditTestChain.AnchorOf(row)).ToList();
        var regrown = rows[..4];
        regrown.Add(AuditTestChain.Row(5, regrown[^1].Hash, detail: "regrown"));
        regrown.Add(AuditTestChain.Row(6, regrown[^1].Hash, detail: "regrown"));

        var result = AuditTestChain.Verify(regrown, anchors);

        Assert.False(result.Valid);
        Assert.Equal(5, result.TailTruncatedFromId);
        Assert.Null(result.FirstRewrittenId);
    }

    [Fact]
    public void AnAnchorWithoutAValidMacIsCountedAsForgedAndNotBelieved()
    {
        var rows = AuditTestChain.Build(3);
        var forged = new AuditAnchor(100, new string('f', 64), 1, new string('0', 64));

        var result = AuditTestChain.Verify(rows, [AuditTestChain.AnchorOf(rows[^1]), forged]);

        Assert.False(result.Valid);
        Assert.Equal(1, result.ForgedAnchors);
        Assert.Equal(1, result.AnchorsChecked);
        Assert.Equal(3, result.NewestAnchor?.Id);
        Assert.Null(result.TailTruncatedFromId);
        Assert.Null(result.BrokenAtId);
    }

    [Fact]
    public void RowsMacedUnderAnotherKeyDoNotVerify()
    {
        var rows = AuditTestChain.Build(3);
        var otherKey = new AuditMac(Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));

        var result = AuditTestChain.Verify(rows, [], otherKey);

        Assert.False(result.Valid);
        Assert.Equal(1, result.FirstRewrittenId);
    }

    [Fact]
    public void AnEmptyTableWithAnAnchorIsTruncatedFromItsFirstRow()
    {
        var anchor = AuditTestChain.AnchorOf(AuditTestChain.Build(2)[^1]);

        var result = AuditTestChain.Verify([], [anchor]);

        Assert.False(result.Valid);
        Assert.Equal(1, result.TailTruncatedFromId);
        Assert.Equal(0, result.RowsChecked);
    }
}
