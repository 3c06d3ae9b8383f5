using System.Globalization;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.AppHost.RedisAcl;

/// <summary>
/// Least privilege in Redis: one ACL user per role (<see cref="RedisAclUsers"/>), each with a secret password
/// parameter <c>redis-{role}-password</c> (generated when unset) and a connection string resource
/// <c>redis-{role}</c>. Local <c>redis-server</c> processes get the users in their configuration file; Aspire's
/// Redis container gets them on its command line, passwords from its environment.
/// </summary>
public static class RedisUsersBuilderExtensions
{
    /// <summary>The connection name every service reads Redis from.</summary>
    public const string ConnectionName = "redis";

    public static RedisUsers AddRedisUsers(this IDistributedApplicationBuilder builder, IResourceBuilder<IResourceWithConnectionString> redis)
    {
        // The prefix the ledger and the agent bind: the spec's variable wins over Shadow:KeyPrefix, as in the services.
        var shadowPrefix = builder.Configuration["REDIS_KEY_PREFIX"] ?? builder.Configuration["Shadow:KeyPrefix"] ?? RedisAclUsers.DefaultShadowPrefix;
        var credentials = RedisAclUsers.All(shadowPrefix)
            .Select(user => new RedisUserCredential(user, builder.AddParameter(
                user.PasswordParameterName, new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true).Resource))
            .ToList();

        ReferenceExpression address;
        switch (redis.Resource)
        {
            case ProcessRedisResource process:
                process.Annotations.Add(new RedisConfigDirectivesAnnotation(cancellationToken => RedisAclConfig.UserDirectivesAsync(credentials, cancellationToken)));
                address = ReferenceExpression.Create($"127.0.0.1:{process.Port.ToString(CultureInfo.InvariantCulture)}");
                break;
            case RedisResource container:
                builder.CreateResourceBuilder(container).WithAclUsers(credentials);
                var endpoint = container.PrimaryEndpoint;
                address = ReferenceExpression.Create(
                    $"{endpoint.Property(EndpointProperty.HostAndPort)}{endpoint.GetTlsValue(ReferenceExpression.Create($",ssl=true"), ReferenceExpression.Empty)}");
                break;
            default:
                throw new InvalidOperationException($"No Redis ACL wiring for a resource of type {redis.Resource.GetType().Name}.");
        }

        IResourceBuilder<ConnectionStringResource> ConnectionOf(string name)
        {
            var credential = credentials.Single(c => c.User.Name == name);
            return builder.AddConnectionString(credential.User.ConnectionName,
                    ReferenceExpression.Create($"{address},user={credential.User.Name},password={credential.Password}{RedisAclUsers.ClientOptions}"))
                .WithParentRelationship(redis);
        }

        return new RedisUsers(
            ConnectionOf(RedisAclUsers.Manager),
            ConnectionOf(RedisAclUsers.Agent),
            ConnectionOf(RedisAclUsers.Ledger),
            ConnectionOf(RedisAclUsers.Service));
    }

    /// <summary>References <paramref name="user"/>'s connection string under the name the service reads, <c>redis</c>.</summary>
    public static IResourceBuilder<ProjectResource> WithRedisUser(this IResourceBuilder<ProjectResource> service, IResourceBuilder<ConnectionStringResource> user) =>
        service.WithReference(user, ConnectionName);

    private static void WithAclUsers(this IResourceBuilder<RedisResource> redis, IReadOnlyList<RedisUserCredential> credentials)
    {
        foreach (var credential in credentials)
        {
            redis.WithEnvironment(credential.EnvironmentVariable, credential.Password);
        }

        // Runs after AddRedis's own callback. Run mode: its words are still separate (DCP joins them into the
        // container's `sh -c`); publish: they are already the one `-c` string, so the users are appended to it.
        redis.WithArgs(context =>
        {
            var words = RedisAclCommandLine.ShellWords(credentials);
            if (context.ExecutionContext.IsRunMode)
            {
                foreach (var word in words)
                {
                    context.Args.Add(word);
                }

                return;
            }

            var command = context.Args.ToList().FindLastIndex(arg => arg is string text && text.StartsWith("redis-server", StringComparison.Ordinal));
            if (command < 0)
            {
                throw new InvalidOperationException("Aspire's Redis container command line has no 'redis-server ...' to add the ACL users to.");
            }

            context.Args[command] = $"{context.Args[command]} {string.Join(' ', words)}";
        });
    }
}
