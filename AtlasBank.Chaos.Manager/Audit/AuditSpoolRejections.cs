using System.Globalization;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Where poison from the audit spool goes, once: the entry as found into <see cref="ChaosRedisKeys.DeadLetter"/> (capped), a
/// count per rejection in <see cref="ChaosRedisKeys.AuditSpoolRejected"/> that <c>GET /chaos/audit/verify</c> reports, and
/// <c>dead_letters_total{source,reason}</c>, on which the AuditSpoolForged alert fires.
/// </summary>
public sealed partial class AuditSpoolRejections
{
    public const string Source = "audit-spool";
    private const int DeadLetterCap = 10_000;
    private const string LastField = "last";

    /// <summary>Far longer than any entry stays in the spool: the marker only has to outlive the replicas' reads of it.</summary>
    private static readonly TimeSpan MarkerLifetime = TimeSpan.FromDays(1);

    private readonly IConnectionMultiplexer _redis;
    private readonly DeadLetters _deadLetters;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AuditSpoolRejections> _logger;

    public AuditSpoolRejections(IConnectionMultiplexer redis, DeadLetters deadLetters, TimeProvider timeProvider, ILogger<AuditSpoolRejections> logger)
    {
        (_redis, _deadLetters, _timeProvider, _logger) = (redis, deadLetters, timeProvider, logger);
        foreach (var reason in new[] { SpoolRejection.Malformed, SpoolRejection.Unauthenticated })
        {
            _deadLetters.Register(Source, reason);
        }
    }

    /// <summary>
    /// Sets <paramref name="entry"/> aside in one transaction — dead letter, count, removal from the spool — once, however
    /// many replicas' drainers read it: a marker per spool entry is the transaction's condition.
    /// </summary>
    public async Task RejectAsync(SpoolEntry entry)
    {
        var reason = entry.Rejection ?? SpoolRejection.Malformed;
        var at = _timeProvider.GetUtcNow().ToString("O", CultureInfo.InvariantCulture);
        var marker = $"{ChaosRedisKeys.AuditSpoolRejected}:{entry.StreamId}";
        var transaction = _redis.GetDatabase().CreateTransaction();
        transaction.AddCondition(Condition.KeyNotExists(marker));
        _ = transaction.StringSetAsync(marker, reason, MarkerLifetime);
        _ = transaction.StreamAddAsync(ChaosRedisKeys.DeadLetter,
        [
            new NameValueEntry("source", Source),
            new NameValueEntry("reason", reason),
            new NameValueEntry("detail", entry.Detail),
            new NameValueEntry("stream-id", entry.StreamId),
            new NameValueEntry("at", at),
            .. entry.Fields.Select(field => new NameValueEntry($"entry.{field.Key}", field.Value)),
        ], maxLength: DeadLetterCap, useApproximateMaxLength: true);
        _ = transaction.HashIncrementAsync(ChaosRedisKeys.AuditSpoolRejected, reason);
        _ = transaction.HashSetAsync(ChaosRedisKeys.AuditSpoolRejected, LastField, $"{at}: spool entry {entry.StreamId} {reason}, {entry.Detail}");
        _ = transaction.StreamDeleteAsync(ChaosRedisKeys.AuditSpool, [entry.StreamId]);
        if (await transaction.ExecuteAsync())
        {
            _deadLetters.Add(Source, reason);
            LogRejected(entry.StreamId, reason, entry.Detail);
        }
    }

    public async Task<SpoolRejectionCounts> ReadAsync()
    {
        var fields = (await _redis.GetDatabase().HashGetAllAsync(ChaosRedisKeys.AuditSpoolRejected))
            .ToDictionary(field => field.Name.ToString(), field => field.Value.ToString(), StringComparer.Ordinal);
        long Count(string reason) => fields.TryGetValue(reason, out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var count) ? count : 0;
        return new SpoolRejectionCounts(Count(SpoolRejection.Unauthenticated), Count(SpoolRejection.Malformed), fields.GetValueOrDefault(LastField));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "AUDIT_SPOOL_REJECTED: spool entry {StreamId} is {Reason} ({Detail}); moved to chaos:deadletter, never chained.")]
    private partial void LogRejected(string streamId, string reason, string? detail);
}

/// <summary>Spool entries never chained since the spool began: <see cref="Unauthenticated"/> ones are forgery attempts.</summary>
/// <param name="Last">The newest rejection in words: when, which entry, why.</param>
public sealed record SpoolRejectionCounts(long Unauthenticated, long Malformed, string? Last);
