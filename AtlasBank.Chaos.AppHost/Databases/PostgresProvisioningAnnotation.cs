namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// Work the AppHost does on a PostgreSQL server as its superuser once the server is ready — at the first start
/// and after every restart, so each step is idempotent. Steps run in the order they were added.
/// </summary>
public sealed class PostgresProvisioningAnnotation(Func<PostgresProvisioningContext, Task> provision) : IResourceAnnotation
{
    public Func<PostgresProvisioningContext, Task> Provision { get; } = provision;
}
