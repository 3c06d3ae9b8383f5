namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>How the writer's commits wait for DR: async (they do not), sync (until DR has them), or unknown.</summary>
public static class ReplicationModes
{
    public const string Async = "async";
    public const string Sync = "sync";
    public const string Unknown = "unknown";
}

/// <summary>Where a failover's RPO comes from (<see cref="FailoverRecord.RpoSource"/>).</summary>
public static class RpoSources
{
    /// <summary>Both regions' databases compared by transfer id.</summary>
    public const string Database = "database";

    /// <summary>A drill's workload: what it saw acknowledged before the switch that the new writer lacks.</summary>
    public const string Workload = "workload";

    /// <summary>Sync mode: nothing DR lacked was ever acknowledged.</summary>
    public const string Synchronous = "synchronous";

    public const string Unknown = "unknown";
}
