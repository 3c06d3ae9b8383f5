namespace AtlasBank.Chaos.Hosting;

/// <summary>A real <c>redis-server</c> process that looks like Aspire's Redis resource to its consumers.</summary>
public sealed class ProcessRedisResource(string name, string command, string dataDirectory, int port, string password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public string DataDirectory { get; } = dataDirectory;

    public int Port { get; } = port;

    internal string Password { get; } = password;

    public string ConfigFile => Path.Combine(DataDirectory, "redis.conf");

    /// <summary>The StackExchange.Redis form that Aspire's Redis container resource also produces.</summary>
    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Port.ToString(System.Globalization.CultureInfo.InvariantCulture)},password={Password}");
}
