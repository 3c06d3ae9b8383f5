namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>One field whose value differs between primary and DR.</summary>
public sealed record Difference(string Path, string? Primary, string? Dr);
