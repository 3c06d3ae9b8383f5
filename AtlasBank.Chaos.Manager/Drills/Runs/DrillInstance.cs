using AtlasBank.Chaos.ServiceDefaults.Replicas;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// This manager replica's name as a run's owner: the replica (as in X-Served-By), its process and a random part, so a
/// restarted process is a new owner and a report says which replica ran the run.
/// </summary>
public sealed class DrillInstance
{
    public string Id { get; } = $"{ServiceInstance.Name}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
