namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// The Redis key schema of chaos state, shared by the manager (writer) and every service (readers).
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

    /// <summary>Set of services that have statistics.</summary>
    public const string StatsIndex = Prefix + "stats:index";

    /// <summary>Hash of statistics over all services.</summary>
    public const string StatsTotal = Prefix + "stats:_total";

    /// <summary>String (JSON <see cref="ChaosExperiment"/>) with a Redis TTL equal to the lease.</summary>
    public static string Experiment(string service) => $"{Prefix}experiment:{service}";

    /// <summary>Hash of one service's inject statistics.</summary>
    public static string Stats(string service) => $"{Prefix}stats:{service}";
}

/// <summary>What the manager publishes on <see cref="ChaosRedisKeys.Channel"/>.</summary>
public sealed record ChaosChange(string Action, string Service, string? ExperimentId, long Version, DateTimeOffset At)
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
}
