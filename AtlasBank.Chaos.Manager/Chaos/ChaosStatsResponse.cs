namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What <c>GET /chaos/stats</c> answers.</summary>
public sealed record ChaosStatsResponse(ChaosStatsView Total, IReadOnlyList<ChaosStatsView> Services);
