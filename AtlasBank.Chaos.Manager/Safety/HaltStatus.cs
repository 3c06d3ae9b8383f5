namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>The halt's state; <see cref="Disabled"/> lists what engaging it switched off.</summary>
public sealed record HaltStatus(bool Engaged, string? EngagedBy, DateTimeOffset? EngagedAt, string? Reason, IReadOnlyList<string>? Disabled = null);
