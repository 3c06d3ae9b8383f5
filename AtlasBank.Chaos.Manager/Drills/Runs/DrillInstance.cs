namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>This manager replica's name as a run's owner: host, process and a random part, so a restarted process is a new owner.</summary>
public sealed class DrillInstance
{
    public string Id { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";
}
