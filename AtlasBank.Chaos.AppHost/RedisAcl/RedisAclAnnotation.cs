namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>The ACL users a local <c>redis-server</c> writes into its configuration file before it starts.</summary>
public sealed class RedisAclAnnotation(IReadOnlyList<RedisUserCredential> users) : IResourceAnnotation
{
    public IReadOnlyList<RedisUserCredential> Users { get; } = users;
}
