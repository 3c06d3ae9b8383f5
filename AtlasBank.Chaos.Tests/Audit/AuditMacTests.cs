using System.Security.Cryptography;
using System.Text;
using AtlasBank.Chaos.Manager.Audit;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>The keyed MACs of rows and anchors, and the key the manager refuses to start without.</summary>
public sealed class AuditMacTests
{
    [Fact]
    public void AKeyedRowsMacIsTheHmacSha256OfItsDocumentedCanonicalForm()
    {
        var row = new AuditEntry(42, new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero).AddTicks(1_234_560), "admin", "admin", "EnableChaos",
            "ledger", """{"Service":"ledger","Note":"é"}""", "127.0.0.1", "allowed", 201, null, new string('a', 64), string.Empty,
            new DateTimeOffset(2026, 11, 27, 10, 0, 1, TimeSpan.Zero), "0193f2", 1, AuditChainVersion.Keyed);

        // Lengths are UTF-8 bytes ("é" is two), null is -1, times are UTC to the microsecond: as the README's SQL builds it.
        const string Canonical = "64:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa|2:42|27:2026-11-27T10:00:00.123456Z|5:admin|5:admin|11:EnableChaos|"
            + "6:ledger|32:{\"Service\":\"ledger\",\"Note\":\"é\"}|9:127.0.0.1|7:allowed|3:201|-1:|27:2026-11-27T10:00:01.000000Z|6:0193f2|1:1|";
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(AuditTestChain.Key, Encoding.UTF8.GetBytes(Canonical)));

        Assert.Equal(Canonical, Encoding.UTF8.GetString(AuditMac.RowMessage(row)));
        Assert.Equal(expected, AuditTestChain.Mac.Row(row));
        Assert.True(AuditTestChain.Mac.IsValid(row with { Hash = expected }));
    }

    [Fact]
    public void ARowsMacChangesWithEveryFieldAndWithThePreviousRowsMac()
    {
        var row = AuditTestChain.Row(7, new string('b', 64));
        AuditEntry[] variants =
        [
            row with { PreviousHash = new string('c', 64) }, row with { Id = 8 }, row with { At = row.At.AddTicks(10) },
            row with { KeyId = "operator" }, row with { Role = "operator" }, row with { Operation = "DisableChaos" },
            row with { Service = null }, row with { RequestBody = "{}" }, row with { SourceAddress = "10.0.0.1" },
            row with { Outcome = "denied" }, row with { StatusCode = 403 }, row with { Detail = "nothing to see" },
            row with { ChainedAt = null }, row with { RowKey = "other" }, row with { RequestCount = 2 },
        ];

        Assert.All(variants, variant => Assert.False(AuditTestChain.Mac.IsValid(variant), $"{variant} verifies with the original MAC"));
        Assert.Equal(variants.Length + 1, variants.Select(AuditTestChain.Mac.Row).Append(row.Hash).Distinct().Count());
    }

    [Fact]
    public void AKeyedRowVerifiesOnlyUnderItsKeyAndNeverByAPlainSha256()
    {
        var row = AuditTestChain.Row(3, AuditEntry.GenesisHash);
        var otherKey = new AuditMac(Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"));
        var rehashed = AuditTestChain.Seal(row with { ChainVersion = AuditChainVersion.Legacy }) with { ChainVersion = AuditChainVersion.Keyed };

        Assert.True(AuditTestChain.Mac.IsValid(row));
        Assert.False(otherKey.IsValid(row));
        Assert.False(AuditTestChain.Mac.IsValid(rehashed));
        Assert.False(AuditTestChain.Mac.IsValid(row with { ChainVersion = AuditChainVersion.Legacy }));
        Assert.False(AuditTestChain.Mac.IsValid(row with { ChainVersion = 3 }));
    }

    [Fact]
    public void ALegacyRowVerifiesByItsPlainSha256AsBeforeTheKey()
    {
        var legacy = AuditTestChain.Row(1, AuditEntry.GenesisHash, AuditChainVersion.Legacy);

        Assert.True(legacy.HashIsValid());
        Assert.True(AuditTestChain.Mac.IsValid(legacy));
        Assert.False(AuditTestChain.Mac.IsValid(legacy with { Detail = "nothing to see" }));
    }

    [Fact]
    public void AnAnchorsMacCoversTheRowIdTheRowMacAndTheTime()
    {
        var anchor = AuditTestChain.Mac.Anchor(42, new string('d', 64), DateTimeOffset.FromUnixTimeMilliseconds(1_764_237_600_123));
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(AuditTestChain.Key, Encoding.UTF8.GetBytes($"anchor|42|{new string('d', 64)}|1764237600123")));

        Assert.Equal(expected, anchor.AnchorMac);
        Assert.True(AuditTestChain.Mac.IsValid(anchor));
        Assert.False(AuditTestChain.Mac.IsValid(anchor with { Id = 43 }));
        Assert.False(AuditTestChain.Mac.IsValid(anchor with { Mac = new string('e', 64) }));
        Assert.False(AuditTestChain.Mac.IsValid(anchor with { AtUnixMs = anchor.AtUnixMs + 1 }));
        Assert.Equal(anchor, AuditAnchor.FromJson(anchor.ToJson(), anchor.Id));
        Assert.False(AuditTestChain.Mac.IsValid(AuditAnchor.FromJson("not json", 9)));
    }

    public static TheoryData<string?, string> BadKeys => new()
    {
        { null, "is required" },
        { "   ", "is required" },
        { new string('a', 63), "must be hex" },
        { "zz" + new string('a', 62), "must be hex" },
        { "5f1c9a7e3b2d4c6a8e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e", "at least 32 bytes" },
        { "XyZ0" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(40)), "must be hex" },
        { new string('0', 64), "one repeated byte" },
    };

    [Theory]
    [MemberData(nameof(BadKeys))]
    public void TheManagerRefusesToStartWithoutAHexKeyOfAtLeast32Bytes(string? key, string reason)
    {
        var result = new AuditKeyValidator().Validate(Options.DefaultName, new AuditOptions { Key = key });

        Assert.True(result.Failed);
        Assert.Contains("ChaosManager:Audit:Key", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(reason, result.FailureMessage, StringComparison.Ordinal);
        if (!string.IsNullOrWhiteSpace(key))
        {
            Assert.DoesNotContain(key, result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(AtlasAppFixture.AuditKey)]
    [InlineData("5F1C9A7E3B2D4C6A8E0F1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D5E6F708192")]
    public void AHexKeyOfAtLeast32BytesIsAccepted(string key) =>
        Assert.True(new AuditKeyValidator().Validate(Options.DefaultName, new AuditOptions { Key = key }).Succeeded);
}
