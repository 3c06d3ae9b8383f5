using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What <c>POST /chaos/bulk-enable</c> applied.</summary>
public sealed record BulkEnableResult(int Count, IReadOnlyList<ChaosExperiment> Experiments);
