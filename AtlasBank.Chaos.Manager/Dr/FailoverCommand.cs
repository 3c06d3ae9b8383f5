namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Who asks for a failover or failback and why; a drill adds when its fault started and when it was detected.
/// <paramref name="AcceptDataLoss"/>: the caller consents to promote a replica that lacks acknowledged transfers, or
/// whose loss cannot be measured (the old writer's database does not answer). <paramref name="StepPause"/>: a rehearsal's
/// slow motion, a wait after each step is recorded and before it runs.
/// </summary>
public sealed record FailoverCommand(
    string? Reason, string? KeyId, string? Role, DateTimeOffset? FaultStartedAt = null, DateTimeOffset? DetectedAt = null, bool AcceptDataLoss = false, TimeSpan StepPause = default);
