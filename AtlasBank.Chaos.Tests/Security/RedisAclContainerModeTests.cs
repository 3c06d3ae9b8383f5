using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using AtlasBank.Chaos.AppHost.RedisAcl;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using static AtlasBank.Chaos.Tests.Security.RedisRoleConnections;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>
/// Containers mode cannot run here (no container engine), so its Redis command line is run as the container would
/// run it — <c>/bin/sh -c</c> with the container's environment — on the local redis-server: the same users, with the
/// same rights, come out of it, and no password is on it.
/// </summary>
public sealed class RedisAclContainerModeTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly string _dataDirectory = Directory.CreateTempSubdirectory("atlasbank-redis-acl-").FullName;

    private static readonly Dictionary<string, string> Passwords = new()
    {
        ["redis-password"] = "AdminPassword0123456789abcdef",
        ["redis-manager-password"] = "ManagerPassword0123456789abcdef",
        ["redis-agent-password"] = "AgentPassword0123456789abcdef",
        ["redis-ledger-password"] = "LedgerPassword0123456789abcdef",
        ["redis-service-password"] = "ServicePassword0123456789abcdef",
    };

    [Theory]
    [InlineData(DistributedApplicationOperation.Run)]
    [InlineData(DistributedApplicationOperation.Publish)]
    public async Task TheRedisContainersCommandLineCreatesEveryRoleWithItsRights(DistributedApplicationOperation operation)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(
            ["--Infra:Mode=containers", .. Passwords.Select(password => $"--Parameters:{password.Key}={password.Value}")]);
        var redis = builder.Resources.OfType<RedisResource>().Single();

        // What the orchestrator would evaluate for the container (never started: no engine is needed for this).
        var launch = await ExecutionConfigurationBuilder.Create(redis).WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(operation), NullLogger.Instance);
        var arguments = launch.Arguments.Select(argument => argument.Value).ToList();
        // Run mode: DCP joins the words into the container's `sh -c`; published, they already are that one string.
        var shellCommand = operation == DistributedApplicationOperation.Run ? string.Join(' ', arguments) : arguments[arguments.IndexOf("-c") + 1];
        Assert.All(Passwords.Values, password => Assert.DoesNotContain(password, shellCommand, StringComparison.Ordinal));
        var environment = (await ExecutionConfigurationBuilder.Create(redis).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), NullLogger.Instance)).EnvironmentVariables;

        var port = FreeLoopbackPort();
        var output = new ConcurrentQueue<string>();
        using var server = StartShell($"{shellCommand} --port {port} --bind 127.0.0.1 --dir {_dataDirectory} --save '' --appendonly no", environment, output);
        try
        {
            var address = $"127.0.0.1:{port}";
            await using var admin = await ConnectWhenUpAsync($"{address},password={Passwords["redis-password"]},connectTimeout=500", server, output);
            var users = ((RedisResult[])(await admin.GetDatabase().ExecuteAsync("ACL", "USERS"))!).Select(user => user.ToString()).Order();
            Assert.Equal(["agent", "default", "ledger", "manager", "service"], users);

            string As(string user) => $"{address},user={user},password={Passwords[$"redis-{user}-password"]}{RedisAclUsers.ClientOptions}";
            await using var ledger = await ConnectAsync(As("ledger"));
            Assert.Equal("ledger", await WhoAmIAsync(ledger));
            await AssertNoPermAsync(() => ledger.GetDatabase().StringSetAsync("chaos:experiment:x", "{}"));
            await AssertNoPermAsync(() => ledger.GetDatabase().KeyDeleteAsync("chaos:halt"));
            Assert.False((await ledger.GetDatabase().StreamAddAsync("shadow:samples", "sample", "{}")).IsNull);

            await using var agent = await ConnectAsync(As("agent"));
            await AssertNoPermAsync(() => agent.GetDatabase().StringSetAsync("chaos:experiment:x", "{}"));

            await using var manager = await ConnectAsync(As("manager"));
            Assert.True(await manager.GetDatabase().StringSetAsync("chaos:experiment:x", "{}"));
            await AssertNoPermAsync(() => manager.GetDatabase().ExecuteAsync("FLUSHALL"));
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().WaitAsync(StartTimeout);
        }
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);

    private static Process StartShell(string command, IEnumerable<KeyValuePair<string, string>> environment, ConcurrentQueue<string> output)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.ErrorDataReceived += (_, line) => output.Enqueue(line.Data ?? "");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<ConnectionMultiplexer> ConnectWhenUpAsync(string connectionString, Process server, ConcurrentQueue<string> output)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(server.HasExited, $"redis-server refused its command line:{Environment.NewLine}{string.Join(Environment.NewLine, output)}");
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(connectionString).WaitAsync(StartTimeout);
            }
            catch (RedisConnectionException) when (stopwatch.Elapsed < StartTimeout)
            {
                await Task.Delay(100);
            }
        }
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
