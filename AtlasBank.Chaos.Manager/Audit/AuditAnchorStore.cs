using AtlasBank.Chaos.Contracts;
using AtlasBank.Chaos.Contracts.Chaos;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Anchors in the Redis sorted set <see cref="ChaosRedisKeys.AuditAnchors"/>, scored by the row id they name, so
/// the newest is the highest score whatever order replicas wrote them in; the <see cref="AuditOptions.AnchorHistory"/>
/// highest are kept.
/// </summary>
public sealed class AuditAnchorStore(IConnectionMultiplexer redis, IOptions<AuditOptions> options) : IAuditAnchorLog
{
    private IDatabase Database => redis.GetDatabase();

    public async Task AddAsync(AuditAnchor anchor)
    {
        var transaction = Database.CreateTransaction();
        var added = transaction.SortedSetAddAsync(ChaosRedisKeys.AuditAnchors, anchor.ToJson(), anchor.Id);
        var trimmed = transaction.SortedSetRemoveRangeByRankAsync(ChaosRedisKeys.AuditAnchors, 0, -(options.Value.AnchorHistory + 1));
        await transaction.ExecuteAsync();
        await Task.WhenAll(added, trimmed);
    }

    public async Task<IReadOnlyList<AuditAnchor>> ReadAsync()
    {
        var entries = await Database.SortedSetRangeByRankWithScoresAsync(ChaosRedisKeys.AuditAnchors);
        return [.. entries.Select(entry => AuditAnchor.FromJson(entry.Element.ToString(), (long)entry.Score))];
    }

    public Task<bool> TryLeadAsync(TimeSpan lease) => RedisLeaderLease.TryAcquireAsync(Database, ChaosRedisKeys.Lease("audit-anchor"), lease);
}
