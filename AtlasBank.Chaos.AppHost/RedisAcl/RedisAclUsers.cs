using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// Who may do what in Redis, one ACL user per role; the <c>default</c> user stays the operator's (and the tests')
/// admin. Services never hold credentials that can start chaos, lift the halt or touch another role's keys, and no
/// role but the admin may run FLUSHALL, CONFIG, KEYS, DEBUG, scripts or any other dangerous command.
/// </summary>
public static class RedisAclUsers
{
    public const string Manager = "manager";
    public const string Agent = "agent";
    public const string Ledger = "ledger";
    public const string Service = "service";

    /// <summary>
    /// What the services bind as <c>REDIS_KEY_PREFIX</c> / <c>Shadow:KeyPrefix</c> when neither is set
    /// (<c>ShadowRedisKeys.DefaultPrefix</c>).
    /// </summary>
    public const string DefaultShadowPrefix = "shadow:";

    private const string ChaosPrefix = "chaos:";

    /// <summary>
    /// Added to every role's connection string: the client never asks for what its user may not have (CONFIG and
    /// CLUSTER at connect, the tie-breaker key, CLIENT SETINFO), so <c>ACL LOG</c> holds only real denials.
    /// </summary>
    public const string ClientOptions = ",tiebreaker=,setlib=false,$CONFIG=,$CLUSTER=";

    /// <summary>
    /// StackExchange.Redis's handshake and keep-alive (ECHO, CLIENT SETNAME/ID, INFO server and replication for
    /// version detection, PING, SELECT of database 0 around transactions), its own pub/sub channel, and
    /// <c>ACL WHOAMI</c> for checks by hand.
    /// </summary>
    private static readonly string[] ClientBasics =
    [
        "+ping", "+echo", "+select", "+client|setname", "+client|id", "+info|server", "+info|replication", "+acl|whoami",
        "+subscribe", "+unsubscribe", "&__Booksleeve_MasterChanged",
    ];

    /// <summary>
    /// ServiceDefaults' chaos client, in every process: reads the active experiments, follows the change channel,
    /// and adds its calls and organic failures to the health buckets the circuit breaker reads. Its routing client
    /// reads which region is active and follows its channel; nothing else of <c>chaos:dr:*</c>.
    /// </summary>
    private static readonly string[] ChaosClient =
    [
        "&chaos:events",
        "(%R~chaos:active %R~chaos:experiment:* +zrangebyscore +mget)",
        "(~chaos:health:* +hincrby +expire +pexpire)",
        "&chaos:dr:events",
        "(%R~chaos:dr:routing +get)",
    ];

    /// <param name="shadowPrefix">The shadow keys' prefix the ledger and the agent use (<c>shadow:</c> by default).</param>
    public static IReadOnlyList<RedisAclUser> All(string shadowPrefix)
    {
        var shadow = CheckedShadowPrefix(shadowPrefix);
        return
        [
            // chaos-manager. Owns chaos state: experiments, the active set, version, halt, stats, audit spool, leases, drill
            // stop signals, the change channel. Data commands only, on chaos:* only (and one shadow key, read-only).
            new(Manager,
            [
                "~chaos:*", "&chaos:*", "&__Booksleeve_MasterChanged",
                "+@read", "+@write", "+@transaction", "+@pubsub", "+@connection",
                "-@dangerous", "-@admin", "-@scripting",
                "+info|server", "+info|replication", "+acl|whoami",
                // A drill's drift probe reads the agent's latest drift report, and nothing else of the agent's.
                $"(~{shadow}drift:latest +get)",
            ]),
            // chaos-agent. Consumes the primary's samples and owns the comparisons (evicting the oldest beyond the bound), windows, drift reports and its validation lock.
            new(Agent,
            [
                .. ClientBasics, .. ChaosClient, "+multi", "+exec",
                $"(~{shadow}* +xgroup|create +xautoclaim +xreadgroup +xack +set +setex +psetex +get +mget +zadd +zrange +zrevrange +zremrangebyscore +zremrangebyrank +zcard +zrem +hincrby +hgetall +expire +pexpire)",
                // Comparisons beyond the count bound are evicted with their index entries; no other shadow key may go.
                $"(~{shadow}comparison:* +unlink)",
            ]),
            // ledgerapi, the primary ledger: a service that also appends its samples to the stream and counts the ones it dropped.
            new(Ledger,
            [
                .. ClientBasics, .. ChaosClient,
                $"(~{shadow}samples +xadd)",
                $"(~{shadow}dropped +incr +incrby)",
            ]),
            // Any other service with ServiceDefaults' chaos client (the connection string redis-service).
            new(Service,
            [
                .. ClientBasics, .. ChaosClient,
            ]),
        ];
    }

    /// <summary>
    /// The services accept only <c>[A-Za-z0-9:_.-]{1,64}</c> (<c>ShadowOptions.KeyPrefixPattern</c>): no glob
    /// characters, so the prefix is literal in a pattern. One that overlaps <c>chaos:</c> would hand the agent and the
    /// ledger chaos state, so it stops the AppHost.
    /// </summary>
    private static string CheckedShadowPrefix(string prefix)
    {
        if (!Regex.IsMatch(prefix, "^[A-Za-z0-9:_.-]{1,64}$", RegexOptions.CultureInvariant))
        {
            throw new InvalidOperationException($"The shadow key prefix '{prefix}' must be 1 to 64 letters, digits or : _ . -");
        }

        if (prefix.StartsWith(ChaosPrefix, StringComparison.Ordinal) || ChaosPrefix.StartsWith(prefix, StringComparison.Ordinal))
        {
            throw new InvalidOperationException(
                $"The shadow key prefix '{prefix}' overlaps the chaos keys ({ChaosPrefix}*): the agent's and the ledger's Redis users would reach chaos state.");
        }

        return prefix;
    }
}
