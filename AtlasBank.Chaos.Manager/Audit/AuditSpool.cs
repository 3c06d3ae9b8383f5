using System.Globalization;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Audit rows waiting to be chained, in a Redis stream: durable as chaos state itself is, and written with the
/// same dependency as the change it records, so recording a stop never waits on PostgreSQL.
/// </summary>
public sealed class AuditSpool(IConnectionMultiplexer redis)
{
    private const string RecordField = "record";
    private const string HappenedAtField = "at";
    private const string RowKeyField = "key";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    private IDatabase Database => redis.GetDatabase();

    public Task AppendAsync(AuditRecord record, DateTimeOffset happenedAt, string rowKey) =>
        Database.StreamAddAsync(ChaosRedisKeys.AuditSpool,
        [
            new NameValueEntry(RecordField, JsonSerializer.Serialize(record, Json)),
            new NameValueEntry(HappenedAtField, happenedAt.ToString("O", CultureInfo.InvariantCulture)),
            new NameValueEntry(RowKeyField, rowKey),
        ]);

    /// <summary>The oldest entries first.</summary>
    public async Task<IReadOnlyList<SpooledAuditRecord>> ReadOldestAsync(int count)
    {
        var entries = await Database.StreamRangeAsync(ChaosRedisKeys.AuditSpool, "-", "+", count);
        return [.. entries.Select(entry => new SpooledAuditRecord(
            entry.Id.ToString(),
            entry[RowKeyField].ToString(),
            JsonSerializer.Deserialize<AuditRecord>(entry[RecordField].ToString(), Json)!,
            DateTimeOffset.Parse(entry[HappenedAtField].ToString(), CultureInfo.InvariantCulture)))];
    }

    public Task RemoveAsync(string streamId) => Database.StreamDeleteAsync(ChaosRedisKeys.AuditSpool, [streamId]);

}
