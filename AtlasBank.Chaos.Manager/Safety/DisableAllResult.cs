namespace AtlasBank.Chaos.Manager.Safety;

/// <summary>What <c>POST /chaos/disable-all</c> switched off.</summary>
public sealed record DisableAllResult(IReadOnlyList<string> Disabled);
