using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>The Redis keys of DR state: the manager writes them; every service reads <see cref="Routing"/>.</summary>
public static class DrRedisKeys
{
    public const string Prefix = ChaosRedisKeys.Prefix + "dr:";

    /// <summary>String (JSON <see cref="DrRoutingState"/>), no TTL: which region is active.</summary>
    public const string Routing = Prefix + "routing";

    /// <summary>Pub/sub channel: the new <see cref="DrRoutingState"/> JSON, published after every write of <see cref="Routing"/>.</summary>
    public const string Channel = Prefix + "events";

    /// <summary>Held (SET NX with a TTL) while one failover or failback runs: a second one answers 409.</summary>
    public const string Lock = Prefix + "lock";

    /// <summary>List of failover ids, newest first.</summary>
    public const string Failovers = Prefix + "failovers";

    /// <summary>String (JSON), no TTL: one failover or failback with its RPO, RTO, stranded writes and reconciliation.</summary>
    public static string Failover(string id) => $"{Prefix}failover:{id}";
}
