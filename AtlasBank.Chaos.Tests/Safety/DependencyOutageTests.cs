using System.Diagnostics;
using System.Globalization;
using System.Net;
using AtlasBank.Chaos.Tests.Chaos;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Safety;

/// <summary>
/// Each dependency the services hold connections to, failed for real — Redis frozen (SIGSTOP of redis-server) and
/// stopped (its resource's stop command; its append-only file brings the data back), each PostgreSQL server frozen
/// (SIGSTOP of the postmaster and every backend): no manager, agent or ledger process dies of it, and the kill switch
/// answers on every manager replica within a second of the dependency answering again.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class DependencyOutageTests(AtlasAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan KillSwitchBound = TimeSpan.FromSeconds(1);
    private static readonly string[] Processes = [.. AtlasAppFixture.ReplicatedResources, "ledgerapi", "ledgerapi-dr"];

    [Theory]
    [InlineData("redis", OutageKind.Frozen, 15)]
    [InlineData("redis", OutageKind.Stopped, 30)]
    [InlineData("postgres", OutageKind.Frozen, 15)]
    [InlineData("postgres-dr", OutageKind.Frozen, 15)]
    [InlineData("postgres-chaos", OutageKind.Frozen, 15)]
    public async Task NoProcessDiesOfTheOutageAndTheKillSwitchAnswersOnEveryManagerReplicaWithinASecondOfItsReturn(
        string dependency, OutageKind kind, int seconds)
    {
        var before = await ProcessIdsAsync();
        var sinceReturn = dependency == "redis"
            ? await RedisOutageAsync(kind, TimeSpan.FromSeconds(seconds))
            : await PostgresOutageAsync(dependency, kind, TimeSpan.FromSeconds(seconds));

        var replicas = await fixture.ReplicasAsync("chaos-manager");
        var answered = await Task.WhenAll(replicas.Select(replica => DisableAllAnswersAsync(replica.Address, sinceReturn)));
        foreach (var ((name, _), (elapsed, attempts)) in replicas.Zip(answered))
        {
            output.WriteLine($"{dependency} {kind} {seconds} s — {name}: disable-all 200 after {elapsed.TotalMilliseconds:0} ms from its return ({attempts})");
            Assert.True(elapsed <= KillSwitchBound, $"{name} answered disable-all {elapsed.TotalMilliseconds:0} ms after {dependency} returned");
        }

        // Every process is the one that was there before the outage: none exited and was restarted.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(before, await ProcessIdsAsync());
    }

    /// <summary>The outage, then a clock started the moment Redis answers a PING again.</summary>
    private async Task<Stopwatch> RedisOutageAsync(OutageKind kind, TimeSpan length)
    {
        var commands = fixture.App.ResourceCommands;
        if (kind == OutageKind.Frozen)
        {
            var redis = PidOf((await fixture.App.ResourceNotifications.WaitForResourceAsync("redis", change => change.Snapshot.State?.Text == KnownResourceStates.Running)
                .WaitAsync(AtlasAppFixture.RequestTimeout)).Snapshot);
            Signal("STOP", redis);
            try
            {
                await Task.Delay(length);
            }
            finally
            {
                Signal("CONT", redis);
            }

            return Stopwatch.StartNew();
        }

        var stopped = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            await Task.Delay(length);
        }
        finally
        {
            var started = await commands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            Assert.True(started.Success, started.Message);
        }

        var connectionString = await fixture.App.GetConnectionStringAsync("redis") ?? "";
        var answering = Stopwatch.StartNew();
        while (answering.Elapsed < AtlasAppFixture.RequestTimeout)
        {
            try
            {
                var options = ConfigurationOptions.Parse(connectionString);
                options.ConnectTimeout = 200;
                options.AbortOnConnectFail = true;
                await using var probe = await ConnectionMultiplexer.ConnectAsync(options).WaitAsync(TimeSpan.FromSeconds(1));
                await probe.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1));
                return Stopwatch.StartNew();
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20));
            }
        }

        throw new TimeoutException($"Redis did not answer within {AtlasAppFixture.RequestTimeout.TotalSeconds} s of its start.");
    }

    /// <summary>The outage, then a clock started as the server is thawed; returns once its users serve from it again.</summary>
    private async Task<Stopwatch> PostgresOutageAsync(string server, OutageKind kind, TimeSpan length)
    {
        var outage = await PostgresOutage.BeginAsync(fixture, server, kind);
        await Task.Delay(length);
        var sinceReturn = Stopwatch.StartNew();
        await outage.EndAsync();
        return sinceReturn;
    }

    /// <summary>When a disable-all first answered 200 on the replica, and each attempt until then.</summary>
    private static async Task<(TimeSpan Elapsed, string Attempts)> DisableAllAnswersAsync(Uri address, Stopwatch sinceReturn)
    {
        using var admin = AtlasAppFixture.CreateReplicaClient(address, AtlasAppFixture.AdminKey);
        admin.Timeout = KillSwitchBound;
        var attempts = new List<string>();
        while (sinceReturn.Elapsed < KillSwitchBound + TimeSpan.FromSeconds(10))
        {
            var sent = sinceReturn.Elapsed;
            try
            {
                using var response = await ChaosManagerClient.SendAsync(admin, "POST", "/chaos/disable-all", null);
                attempts.Add($"{sent.TotalMilliseconds:0} ms: {(int)response.StatusCode}");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return (sinceReturn.Elapsed, string.Join(", ", attempts));
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // A replica that is gone or still waiting: the bound decides.
                attempts.Add($"{sent.TotalMilliseconds:0} ms: {ex.GetType().Name}");
            }
        }

        return (sinceReturn.Elapsed, string.Join(", ", attempts));
    }

    private async Task<Dictionary<string, int>> ProcessIdsAsync()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var resource in Processes)
        {
            foreach (var replica in await fixture.ReplicaEventsAsync(resource))
            {
                ids[replica.ResourceId] = ProcessIdOf(replica.ResourceId);
            }
        }

        return ids;
    }

    private int ProcessIdOf(string resourceId)
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(resourceId, out var state), $"the state of {resourceId}");
        return PidOf(state!.Snapshot);
    }

    private static int PidOf(CustomResourceSnapshot snapshot) =>
        Convert.ToInt32(snapshot.Properties.Single(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)]))!;
        Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(10)), $"kill -{signal} {pid}");
        Assert.Equal(0, kill.ExitCode);
    }
}
