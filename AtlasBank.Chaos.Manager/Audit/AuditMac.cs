using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// HMAC-SHA256 under the audit key, for rows and for anchors. A keyed row's MAC covers the previous row's MAC and
/// every field (<see cref="RowMessage"/>), so rewriting any row, or the order of rows, needs the key.
/// </summary>
public sealed class AuditMac
{
    private readonly byte[] _key;

    public AuditMac(IOptions<AuditOptions> options)
        : this(AuditKey.Parse(options.Value.Key))
    {
    }

    internal AuditMac(byte[] key) => _key = key;

    /// <summary>The MAC a keyed row must carry in <see cref="AuditEntry.Hash"/>, over its <see cref="AuditEntry.PreviousHash"/> and fields.</summary>
    public string Row(AuditEntry entry) => Hmac(RowMessage(entry));

    /// <summary>Whether the row's own hash matches its contents: the HMAC for a keyed row, the plain SHA-256 for a legacy one.</summary>
    public bool IsValid(AuditEntry entry) => entry.ChainVersion switch
    {
        AuditChainVersion.Keyed => SameHex(entry.Hash, Row(entry)),
        AuditChainVersion.Legacy => entry.HashIsValid(),
        _ => false,
    };

    /// <summary>
    /// The MAC a spool entry carries (<see cref="AuditSpool"/>): over its fields as written, so an entry added with the
    /// Redis credentials alone, without the audit key, never reaches the chain.
    /// </summary>
    public string Spooled(string recordJson, string happenedAt, string rowKey) => Hmac(SpoolMessage(recordJson, happenedAt, rowKey));

    public bool IsValidSpooled(string mac, string recordJson, string happenedAt, string rowKey) =>
        SameHex(mac, Spooled(recordJson, happenedAt, rowKey));

    public AuditAnchor Anchor(long id, string mac, DateTimeOffset at)
    {
        var atUnixMs = at.ToUnixTimeMilliseconds();
        return new AuditAnchor(id, mac, atUnixMs, Hmac(Encoding.UTF8.GetBytes(AnchorMessage(id, mac, atUnixMs))));
    }

    public bool IsValid(AuditAnchor anchor) =>
        SameHex(anchor.AnchorMac, Hmac(Encoding.UTF8.GetBytes(AnchorMessage(anchor.Id, anchor.Mac, anchor.AtUnixMs))));

    /// <summary>
    /// What a keyed row's MAC covers: every field in a fixed order, each as <c>{UTF-8 byte length}:{value}|</c>
    /// (<c>-1:|</c> for null), so no choice of values can make two rows alike. Times in UTC to the microsecond
    /// (<c>yyyy-MM-ddTHH:mm:ss.ffffffZ</c>), as PostgreSQL keeps them. The README shows the same in SQL.
    /// </summary>
    public static byte[] RowMessage(AuditEntry entry)
    {
        var builder = new StringBuilder();
        foreach (var field in new[]
        {
            entry.PreviousHash, entry.Id.ToString(CultureInfo.InvariantCulture), AuditEntry.Timestamp(entry.At),
            entry.KeyId, entry.Role, entry.Operation, entry.Service, entry.RequestBody, entry.SourceAddress, entry.Outcome,
            entry.StatusCode.ToString(CultureInfo.InvariantCulture), entry.Detail,
            entry.ChainedAt is { } chainedAt ? AuditEntry.Timestamp(chainedAt) : null, entry.RowKey,
            entry.RequestCount.ToString(CultureInfo.InvariantCulture),
        })
        {
            builder.Append(field is null ? "-1" : Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>What a spool entry's MAC covers: its fields length-prefixed as a row's are, after a prefix no row or anchor message has.</summary>
    public static byte[] SpoolMessage(string recordJson, string happenedAt, string rowKey)
    {
        var builder = new StringBuilder("spool|");
        foreach (var field in new[] { recordJson, happenedAt, rowKey })
        {
            builder.Append(Encoding.UTF8.GetByteCount(field).ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>What an anchor's MAC covers; it cannot be mistaken for a row's message, which starts with a length.</summary>
    public static string AnchorMessage(long id, string mac, long atUnixMs) =>
        string.Create(CultureInfo.InvariantCulture, $"anchor|{id}|{mac}|{atUnixMs}");

    private string Hmac(byte[] message) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, message));

    private static bool SameHex(string actual, string expected) =>
        CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(actual), Encoding.ASCII.GetBytes(expected));
}
