namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// Each role's Redis connection string (<c>redis-{role}</c>): a service references its own under the connection name
/// it has always read, <c>redis</c>. The <c>redis</c> resource itself stays the admin's.
/// </summary>
public sealed record RedisUsers(
    IResourceBuilder<ConnectionStringResource> Manager,
    IResourceBuilder<ConnectionStringResource> Agent,
    IResourceBuilder<ConnectionStringResource> Ledger,
    IResourceBuilder<ConnectionStringResource> Service);
