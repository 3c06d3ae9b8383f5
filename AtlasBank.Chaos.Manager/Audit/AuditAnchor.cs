using System.Text.Json;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// The chain head as it was at a moment, MACed under the audit key so that rights on Redis alone cannot forge one.
/// </summary>
/// <param name="Id">The row id that was the chain head.</param>
/// <param name="Mac">The MAC that row carried (its <c>hash</c> column).</param>
/// <param name="AtUnixMs">When it was the head, in Unix milliseconds.</param>
/// <param name="AnchorMac">HMAC-SHA256 under the audit key of <c>anchor|{Id}|{Mac}|{AtUnixMs}</c>, as lowercase hex.</param>
public sealed record AuditAnchor(long Id, string Mac, long AtUnixMs, string AnchorMac)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>
    /// An anchor as stored; anything that is not one (someone wrote garbage under the key) comes back as an anchor
    /// of <paramref name="id"/> with no MAC, which never verifies and so counts as forged.
    /// </summary>
    public static AuditAnchor FromJson(string json, long id)
    {
        try
        {
            return JsonSerializer.Deserialize<AuditAnchor>(json, Json) is { Mac: not null, AnchorMac: not null } anchor
                ? anchor
                : Unreadable(id);
        }
        catch (JsonException)
        {
            return Unreadable(id);
        }
    }

    private static AuditAnchor Unreadable(long id) => new(id, string.Empty, 0, string.Empty);
}
