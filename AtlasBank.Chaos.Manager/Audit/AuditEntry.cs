using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>One chaos operation on record. <see cref="Hash"/> chains it to the row before it.</summary>
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
    string Hash)
{
    public const string GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>SHA-256 over the previous hash and every field, in a fixed, unambiguous form.</summary>
    public static string ComputeHash(
        string previousHash, long id, DateTimeOffset at, string? keyId, string? role, string operation, string? service,
        string? requestBody, string? sourceAddress, string outcome, int statusCode, string? detail)
    {
        var builder = new StringBuilder();
        foreach (var field in new[]
        {
            previousHash, id.ToString(CultureInfo.InvariantCulture), at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffZ", CultureInfo.InvariantCulture),
            keyId, role, operation, service, requestBody, sourceAddress, outcome, statusCode.ToString(CultureInfo.InvariantCulture), detail,
        })
        {
            // Length-prefixed, so no choice of field values can make two different rows hash alike.
            builder.Append(field is null ? "-1" : field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field).Append('|');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    public bool HashIsValid() =>
        Hash == ComputeHash(PreviousHash, Id, At, KeyId, Role, Operation, Service, RequestBody, SourceAddress, Outcome, StatusCode, Detail);
}
