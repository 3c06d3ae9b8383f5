namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// DR's own verdict on its replication, as its <c>/dr/status</c> states it. <see cref="Healthy"/> is null when the
/// status could not be read; <see cref="Reason"/> then says why.
/// </summary>
public sealed record DrReplication(bool? Healthy, string? Reason)
{
    public static DrReplication Unknown(string reason) => new(null, reason);
}
