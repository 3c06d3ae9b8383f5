namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>Who asks for a failover or failback and why; a drill adds when its fault started and when it was detected.</summary>
public sealed record FailoverCommand(
    string? Reason, string? KeyId, string? Role, DateTimeOffset? FaultStartedAt = null, DateTimeOffset? DetectedAt = null);
