using System.Diagnostics;
using System.Globalization;
using System.Net;
using AtlasBank.Chaos.Tests.Chaos;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Safety;

/// <summary>
/// Redis, which stopping chaos depends on, frozen for real (SIGSTOP of redis-server): no manager or agent process dies
/// of it, and the kill switch answers on every manager replica as soon as Redis does again.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class RedisFreezeTests(AtlasAppFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Freeze = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan KillSwitchBound = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task EveryManagerAndAgentReplicaOutlivesAFifteenSecondRedisFreezeAndTheKillSwitchAnswersWithinASecondOfItsReturn()
    {
        var before = await ProcessIdsAsync();
        var redis = PidOf((await fixture.App.ResourceNotifications.WaitForResourceAsync("redis", change => change.Snapshot.State?.Text == KnownResourceStates.Running)
            .WaitAsync(AtlasAppFixture.RequestTimeout)).Snapshot);
        Signal("STOP", redis);
        Stopwatch sinceThaw;
        try
        {
            await Task.Delay(Freeze);
        }
        finally
        {
            Signal("CONT", redis);
            sinceThaw = Stopwatch.StartNew();
        }

        var replicas = await fixture.ReplicasAsync("chaos-manager");
        var answered = await Task.WhenAll(replicas.Select(replica => DisableAllAnswersAsync(replica.Address)));
        foreach (var ((name, _), elapsed) in replicas.Zip(answered))
        {
            output.WriteLine($"{name}: disable-all 200 after {elapsed.TotalMilliseconds:0} ms from the thaw");
            Assert.True(elapsed <= KillSwitchBound, $"{name} answered disable-all {elapsed.TotalMilliseconds:0} ms after Redis returned");
        }

        // Every process is the one that was there before the freeze: none exited and was restarted.
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(before, await ProcessIdsAsync());

        async Task<TimeSpan> DisableAllAnswersAsync(Uri address)
        {
            using var admin = AtlasAppFixture.CreateReplicaClient(address, AtlasAppFixture.AdminKey);
            admin.Timeout = KillSwitchBound;
            while (sinceThaw.Elapsed < KillSwitchBound + TimeSpan.FromSeconds(10))
            {
                try
                {
                    using var response = await ChaosManagerClient.SendAsync(admin, "POST", "/chaos/disable-all", null);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        return sinceThaw.Elapsed;
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    // A replica that is gone or still waiting: the bound decides.
                }
            }

            return sinceThaw.Elapsed;
        }
    }

    private async Task<Dictionary<string, int>> ProcessIdsAsync()
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var resource in AtlasAppFixture.ReplicatedResources)
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
