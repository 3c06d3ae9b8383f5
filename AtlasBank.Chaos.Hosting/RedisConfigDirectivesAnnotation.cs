namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// Lines a local <c>redis-server</c>'s configuration file gets beyond its defaults (an app's ACL <c>user</c> lines),
/// produced when the server is about to start, so they may read secret parameters.
/// </summary>
public sealed class RedisConfigDirectivesAnnotation(Func<CancellationToken, Task<IReadOnlyList<string>>> directives) : IResourceAnnotation
{
    public Func<CancellationToken, Task<IReadOnlyList<string>>> Directives { get; } = directives;

    public static async Task<IReadOnlyList<string>> AllAsync(IResource redis, CancellationToken cancellationToken)
    {
        var lines = new List<string>();
        foreach (var annotation in redis.Annotations.OfType<RedisConfigDirectivesAnnotation>())
        {
            lines.AddRange(await annotation.Directives(cancellationToken));
        }

        return lines;
    }
}
