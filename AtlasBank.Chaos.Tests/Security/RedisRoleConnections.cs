using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>
/// Connects to the app's Redis with the credentials a process received, under a client name of its own, so the
/// ACL log can tell these probes' (expected) denials from the app's.
/// </summary>
internal static class RedisRoleConnections
{
    public const string ProbeClientName = "acl-probe";

    /// <summary>The Redis connection string <paramref name="resource"/> was launched with (<c>ConnectionStrings__redis</c>).</summary>
    /// <summary>The Redis connection string the resource was launched with: the same for every replica of it.</summary>
    public static async Task<string> LaunchedWithAsync(AtlasAppFixture fixture, string resource)
    {
        var launched = (await fixture.ReplicaEventsAsync(resource)).Select(replica =>
        {
            var variable = replica.Snapshot.EnvironmentVariables.SingleOrDefault(variable => variable.Name == "ConnectionStrings__redis");
            Assert.False(string.IsNullOrEmpty(variable?.Value), $"{replica.ResourceId} was launched without ConnectionStrings__redis");
            return variable!.Value!;
        }).Distinct().ToList();
        return Assert.Single(launched);
    }

    /// <param name="everyCommand">
    /// Send commands the connection string switches off in the client (CONFIG, CLUSTER), to see what the server says.
    /// </param>
    public static async Task<ConnectionMultiplexer> ConnectAsync(string connectionString, bool everyCommand = false)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.ClientName = ProbeClientName;
        if (everyCommand)
        {
            options.CommandMap = CommandMap.Default;
        }

        return await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(AtlasAppFixture.RequestTimeout);
    }

    /// <summary>The operator's connection: the <c>redis</c> resource, the <c>default</c> user.</summary>
    public static async Task<ConnectionMultiplexer> ConnectAsAdminAsync(DistributedApplication app) =>
        await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis") ?? "").WaitAsync(AtlasAppFixture.RequestTimeout);

    public static async Task AssertNoPermAsync(Func<Task> command)
    {
        var denied = await Assert.ThrowsAsync<RedisServerException>(() => command().WaitAsync(AtlasAppFixture.RequestTimeout));
        Assert.StartsWith("NOPERM", denied.Message, StringComparison.Ordinal);
    }

    public static async Task<string> WhoAmIAsync(IConnectionMultiplexer redis) =>
        (await redis.GetDatabase().ExecuteAsync("ACL", "WHOAMI").WaitAsync(AtlasAppFixture.RequestTimeout)).ToString();
}
