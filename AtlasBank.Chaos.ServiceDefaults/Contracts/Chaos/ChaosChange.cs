namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>What the manager publishes on <see cref="ChaosRedisKeys.Channel"/> for every enable or disable.</summary>
public sealed record ChaosChange(string Action, string Service, string? ExperimentId, long Version, DateTimeOffset At)
{
    public const string Enabled = "enabled";
    public const string Disabled = "disabled";
}
