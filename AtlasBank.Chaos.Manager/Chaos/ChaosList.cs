using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>Every active experiment, as <c>GET /chaos/list</c> answers.</summary>
public sealed record ChaosList(int Count, IReadOnlyList<ChaosExperiment> Experiments);
