namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>A Redis ACL user and the secret parameter holding its password.</summary>
public sealed record RedisUserCredential(RedisAclUser User, ParameterResource Password)
{
    /// <summary>How the password reaches a Redis container: <c>REDIS_{NAME}_PASSWORD</c>, as Aspire passes the admin's.</summary>
    public string EnvironmentVariable => $"REDIS_{User.Name.ToUpperInvariant()}_PASSWORD";
}
