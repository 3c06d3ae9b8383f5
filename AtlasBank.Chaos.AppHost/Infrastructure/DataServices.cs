namespace AtlasBank.Chaos.AppHost.Infrastructure;

/// <summary>The data services every AtlasBank.Chaos service depends on, whichever mode provides them.</summary>
/// <param name="PublisherHostOverride">
/// How the DR PostgreSQL server reaches the primary for logical replication when that differs from how the
/// services reach it (containers talk over the container network); null when the services' address works.
/// </param>
/// <param name="Run">This run's folder: the servers' data in processes mode, Prometheus' files in both modes.</param>
public sealed record DataServices(
    InfrastructureMode Mode,
    IResourceBuilder<IResourceWithConnectionString> Redis,
    IResourceBuilder<IResourceWithConnectionString> LedgerDb,
    IResourceBuilder<IResourceWithConnectionString> ChaosDb,
    IResourceBuilder<IResourceWithConnectionString> LedgerDrDb,
    (string Host, int Port)? PublisherHostOverride,
    RunDirectory Run);
