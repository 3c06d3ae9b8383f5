using System.Globalization;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Audit rows waiting to be chained, in a Redis stream: durable as chaos state itself is, and written with the
/// same dependency as the change it records, so recording a stop never waits on PostgreSQL. Each entry carries a MAC
/// under the audit key (<see cref="AuditMac.Spooled"/>): the Redis credentials alone cannot spool a row.
/// </summary>
public sealed class AuditSpool(IConnectionMultiplexer redis, AuditMac mac)
{
    private const string RecordField = "record";
    private const string HappenedAtField = "at";
    private const string RowKeyField = "key";
    private const string MacField = "mac";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private IDatabase Database => redis.GetDatabase();

    public Task AppendAsync(AuditRecord record, DateTimeOffset happenedAt, string rowKey)
    {
        var recordJson = JsonSerializer.Serialize(record, Json);
        var at = happenedAt.ToString("O", CultureInfo.InvariantCulture);
        return Database.StreamAddAsync(ChaosRedisKeys.AuditSpool,
        [
            new NameValueEntry(RecordField, recordJson),
            new NameValueEntry(HappenedAtField, at),
            new NameValueEntry(RowKeyField, rowKey),
            new NameValueEntry(MacField, mac.Spooled(recordJson, at, rowKey)),
        ]);
    }

    /// <summary>The oldest entries first, each a row to chain or the reason it is poison.</summary>
    public async Task<IReadOnlyList<SpoolEntry>> ReadOldestAsync(int count)
    {
        var entries = await Database.StreamRangeAsync(ChaosRedisKeys.AuditSpool, "-", "+", count);
        return [.. entries.Select(Read)];
    }

    public Task RemoveAsync(string streamId) => Database.StreamDeleteAsync(ChaosRedisKeys.AuditSpool, [streamId]);

    private SpoolEntry Read(StreamEntry entry)
    {
        var streamId = entry.Id.ToString();
        var fields = entry.Values.ToDictionary(value => value.Name.ToString(), value => value.Value.ToString(), StringComparer.Ordinal);
        if (!fields.TryGetValue(RecordField, out var recordJson) || !fields.TryGetValue(HappenedAtField, out var at)
            || !fields.TryGetValue(RowKeyField, out var rowKey))
        {
            return SpoolEntry.Poison(streamId, fields, SpoolRejection.Malformed, $"missing one of the fields {RecordField}, {HappenedAtField}, {RowKeyField}");
        }

        if (!fields.TryGetValue(MacField, out var entryMac) || !mac.IsValidSpooled(entryMac, recordJson, at, rowKey))
        {
            return SpoolEntry.Poison(streamId, fields, SpoolRejection.Unauthenticated, "its MAC is missing or does not match: it was not written with the audit key");
        }

        try
        {
            var record = JsonSerializer.Deserialize<AuditRecord>(recordJson, Json)
                ?? throw new JsonException("the record is null");
            var happenedAt = DateTimeOffset.Parse(at, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
            return new SpoolEntry(streamId, new SpooledAuditRecord(streamId, rowKey, record, happenedAt), null, null, fields);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException)
        {
            return SpoolEntry.Poison(streamId, fields, SpoolRejection.Malformed, ex.Message);
        }
    }
}
