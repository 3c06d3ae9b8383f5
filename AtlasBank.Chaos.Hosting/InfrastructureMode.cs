namespace AtlasBank.Chaos.Hosting;

/// <summary>How the AppHost provides Redis and PostgreSQL. Set with <c>Infra:Mode</c>.</summary>
public enum InfrastructureMode
{
    /// <summary>Containers when publishing or when a container runtime answers; local processes otherwise.</summary>
    Auto,

    /// <summary>The Aspire Redis and PostgreSQL container resources.</summary>
    Containers,

    /// <summary>Real <c>redis-server</c> and <c>postgres</c> processes started by the AppHost.</summary>
    Processes,
}
