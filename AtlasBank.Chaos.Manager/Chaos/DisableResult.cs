namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What <c>POST /chaos/disable</c> did.</summary>
public sealed record DisableResult(string Service, bool Disabled);
