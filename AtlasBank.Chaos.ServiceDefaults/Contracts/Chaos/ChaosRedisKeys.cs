namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>
/// Every Redis key of chaos state: written by the manager, read by the manager and by every service.
/// </summary>
public static class ChaosRedisKeys
{
    public const string Prefix = "chaos:";

    /// <summary>Sorted set of services under chaos, scored by lease expiry (Unix ms).</summary>
    public const string Active = Prefix + "active";

    /// <summary>Pub/sub channel: a JSON <see cref="ChaosChange"/> for every enable or disable.</summary>
    public const string Channel = Prefix + "events";

    /// <summary>Counter bumped by every change, so a reader can tell it missed one.</summary>
    public const string Version = Prefix + "version";

    /// <summary>The halt (JSON: who, when, why); while it exists no experiment can be enabled.</summary>
    public const string Halt = Prefix + "halt";

    /// <summary>
    /// Stream of audit rows waiting to be chained in PostgreSQL, in order: how stopping chaos is audited without
    /// waiting on the database.
    /// </summary>
    public const string AuditSpool = Prefix + "audit:spool";

    /// <summary>
    /// Hash of spool entries never chained, by rejection (<c>malformed</c>, <c>unauthenticated</c>), and the <c>last</c> one in
    /// words; <c>{this}:{spool entry id}</c> marks, for a day, an entry already set aside, so it is counted once.
    /// </summary>
    public const string AuditSpoolRejected = Prefix + "audit:spool:rejected";

    /// <summary>
    /// Stream of poison: entries a loop could not use (a malformed or unauthenticated spool row), kept as found with
    /// their source and reason, capped, for a person to look at; never read back by the app.
    /// </summary>
    public const string DeadLetter = Prefix + "deadletter";

    /// <summary>
    /// Sorted set of audit chain anchors (JSON, each MACed under the audit key), scored by the row id they name:
    /// the chain head as it was, kept outside the audit table so truncating the table shows.
    /// </summary>
    public const string AuditAnchors = Prefix + "audit:anchors";

    /// <summary>Set of services that have statistics.</summary>
    public const string StatsIndex = Prefix + "stats:index";

    /// <summary>Hash of statistics over all services.</summary>
    public const string StatsTotal = Prefix + "stats:_total";

    /// <summary>String (JSON <see cref="ChaosExperiment"/>) with a Redis TTL equal to the lease.</summary>
    public static string Experiment(string service) => $"{Prefix}experiment:{service}";

    /// <summary>Hash of one service's inject statistics.</summary>
    public static string Stats(string service) => $"{Prefix}stats:{service}";

    /// <summary>Hash (<c>calls</c>, <c>failures</c>) of one service's health in one <see cref="ChaosHealthBuckets"/> bucket.</summary>
    public static string Health(string service, long bucket) => $"{Prefix}health:{service}:{bucket}";

    /// <summary>Held by the one manager replica that runs a periodic job (see <see cref="RedisLeaderLease"/>).</summary>
    public static string Lease(string job) => $"{Prefix}lock:{job}";

    /// <summary>A key's rate-limit counts under one policy (one counter per window: <c>{key}:{window index}</c>), shared by every manager replica.</summary>
    public static string RateLimit(string policy, string keyId) => $"{Prefix}ratelimit:{policy}:{keyId}";
}
