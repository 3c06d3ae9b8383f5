using AtlasBank.Chaos.Manager.Audit;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>Chains rows in memory exactly as the store does, legacy or keyed, for the unit tests of the chain.</summary>
internal static class AuditTestChain
{
    public static readonly byte[] Key = Convert.FromHexString(AtlasAppFixture.AuditKey);
    public static readonly AuditMac Mac = new(Key);
    public static readonly DateTimeOffset Start = new(2026, 11, 27, 10, 0, 0, TimeSpan.Zero);

    /// <summary>A row with every field set, distinct per id.</summary>
    public static AuditEntry Row(long id, string previousHash, int version = AuditChainVersion.Keyed, string? detail = null)
    {
        var at = Start.AddSeconds(id).AddTicks(1230);
        var row = new AuditEntry(id, at, "admin", "admin", "EnableChaos", $"svc-{id}", $$"""{"Service":"svc-{{id}}"}""", "127.0.0.1",
            AuditOutcomes.Of(201), 201, detail, previousHash, string.Empty, at.AddTicks(40), $"row-{id}", 1, version);
        return Seal(row);
    }

    /// <summary>Recomputes the row's hash as its version says: the MAC under <see cref="Key"/> or the plain SHA-256.</summary>
    public static AuditEntry Seal(AuditEntry row, AuditMac? mac = null) => row with
    {
        Hash = row.ChainVersion == AuditChainVersion.Keyed
            ? (mac ?? Mac).Row(row)
            : AuditEntry.ComputeHash(row.PreviousHash, row.Id, row.At, row.KeyId, row.Role, row.Operation, row.Service, row.RequestBody,
                row.SourceAddress, row.Outcome, row.StatusCode, row.Detail, row.ChainedAt, row.RowKey, row.RequestCount),
    };

    /// <summary><paramref name="legacy"/> unkeyed rows, then keyed ones up to <paramref name="count"/>.</summary>
    public static List<AuditEntry> Build(int count, int legacy = 0)
    {
        var rows = new List<AuditEntry>();
        var previous = AuditEntry.GenesisHash;
        for (var id = 1; id <= count; id++)
        {
            var row = Row(id, previous, id <= legacy ? AuditChainVersion.Legacy : AuditChainVersion.Keyed);
            rows.Add(row);
            previous = row.Hash;
        }

        return rows;
    }

    /// <summary>What an attacker without the key can do from row <paramref name="from"/> on: recompute plain SHA-256 hashes.</summary>
    public static void RehashFrom(List<AuditEntry> rows, int from, int version)
    {
        var previous = from == 1 ? AuditEntry.GenesisHash : rows[from - 2].Hash;
        for (var index = from - 1; index < rows.Count; index++)
        {
            var legacy = rows[index] with { PreviousHash = previous, ChainVersion = AuditChainVersion.Legacy };
            legacy = Seal(legacy);
            rows[index] = legacy with { ChainVersion = version };
            previous = legacy.Hash;
        }
    }

    public static AuditAnchor AnchorOf(AuditEntry row, int secondsLater = 0) => Mac.Anchor(row.Id, row.Hash, Start.AddSeconds(row.Id + secondsLater));

    public static AuditVerification Verify(IEnumerable<AuditEntry> rows, IEnumerable<AuditAnchor> anchors, AuditMac? mac = null)
    {
        var walk = new AuditChainWalk(mac ?? Mac, anchors);
        foreach (var row in rows)
        {
            walk.Add(row);
        }

        return walk.Result();
    }
}
