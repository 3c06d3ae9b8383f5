using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// One chaos operation on record. <see cref="Hash"/> chains it to the row before it: its HMAC under the audit key
/// (<see cref="AuditMac"/>), or for a row written before the key existed, a plain SHA-256 (<see cref="ComputeHash"/>).
/// </summary>
/// <param name="At">When the operation happened.</param>
/// <param name="ChainedAt">When the row joined the chain: later than <see cref="At"/> for a row that waited in the spool.</param>
/// <param name="RowKey">Unique key of a row that was (or might have been) spooled: it is chained once, whichever way it came.</param>
/// <param name="RequestCount">How many alike requests the row stands for (denials are audited in aggregate).</param>
/// <param name="ChainVersion">How <see cref="Hash"/> was made: <see cref="AuditChainVersion"/>.</param>
public sealed record AuditEntry(
    long Id,
    DateTimeOffset At,
    string? KeyId,
    string? Role,
    string Operation,
    string? Service,
    string? RequestBody,
    string? SourceAddress,
    string Outcome,
    int StatusCode,
    string? Detail,
    string PreviousHash,
    string Hash,
    DateTimeOffset? ChainedAt = null,
    string? RowKey = null,
    int RequestCount = 1,
    int ChainVersion = AuditChainVersion.Legacy)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>
    /// The legacy (unkeyed) hash: SHA-256 over the previous hash and every field, in a fixed, unambiguous form. The
    /// fields added with the spool enter the hash only when set, so rows chained before them still verify.
    /// </summary>
    public static string ComputeHash(
        string previousHash, long id, DateTimeOffset at, string? keyId, string? role, string operation, string? service,
        string? requestBody, string? sourceAddress, string outcome, int statusCode, string? detail,
        DateTimeOffset? chainedAt = null, string? rowKey = null, int requestCount = 1)
    {
        var builder = new StringBuilder();
        IEnumerable<string?> fields =
        [
            previousHash, id.ToString(CultureInfo.InvariantCulture), Timestamp(at),
            keyId, role, operation, service, requestBody, sourceAddress, outcome, statusCode.ToString(CultureInfo.InvariantCulture), detail,
        ];
        if (chainedAt is { } chained)
        {
            fields = fields.Append("chained_at=" + Timestamp(chained));
        }

        if (rowKey is not null)
        {
            fields = fields.Append("row_key=" + rowKey);
        }

        if (requestCount != 1)
        {
            fields = fields.Append("request_count=" + requestCount.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var field in fields)
        {
            // Length-prefixed, so no choice of field values can make two different rows hash alike.
            builder.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>Whether <see cref="Hash"/> is the legacy SHA-256 of this row (says nothing of a keyed row: see <see cref="AuditMac.IsValid(AuditEntry)"/>).</summary>
    public bool HashIsValid() =>
        Hash == ComputeHash(PreviousHash, Id, At, KeyId, Role, Operation, Service, RequestBody, SourceAddress, Outcome, StatusCode, Detail,
            ChainedAt, RowKey, RequestCount);

    /// <summary>PostgreSQL keeps microseconds: a time is hashed (and stored) at that precision.</summary>
    public static DateTimeOffset ToStoredPrecision(DateTimeOffset time) => time.AddTicks(-(time.Ticks % 10));

    internal static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture);
}
