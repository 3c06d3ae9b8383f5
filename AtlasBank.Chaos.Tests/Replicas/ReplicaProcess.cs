using System.Diagnostics;
using System.Globalization;

namespace AtlasBank.Chaos.Tests.Replicas;

/// <summary>A real failure of one replica: its process killed (SIGKILL), then started again as the dashboard would.</summary>
public static class ReplicaProcess
{
    /// <summary>
    /// SIGKILL, so the replica gets no chance to clean anything up. DCP starts a project through a launcher
    /// (<c>executable.pid</c>) whose child is the service: both go, the service first.
    /// </summary>
    public static void Kill(AtlasAppFixture fixture, string replica)
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(replica, out var state), $"the state of {replica}");
        var launcher = Convert.ToInt32(state!.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        var tree = Descendants(launcher).Append(launcher).ToArray();
        Assert.True(tree.Length > 1, $"the service process under launcher {launcher}");
        foreach (var pid in tree)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException && pid == launcher)
            {
                // The launcher may exit on its own the moment its service is killed (seen in CI): it is gone either way.
            }
        }
    }

    /// <summary>
    /// SIGSTOP of everything below the replica's launcher (the service): to the OS and its peers' sockets it is alive,
    /// it just does nothing — a stall, a long GC pause, a VM paused. Answers the processes for <see cref="Thaw"/>.
    /// </summary>
    public static int[] Freeze(AtlasAppFixture fixture, string replica)
    {
        Assert.True(fixture.App.ResourceNotifications.TryGetCurrentState(replica, out var state), $"the state of {replica}");
        var launcher = Convert.ToInt32(state!.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        var service = Descendants(launcher).ToArray();
        Assert.NotEmpty(service);
        Signal("STOP", service);
        return service;
    }

    public static void Thaw(int[] processes) => Signal("CONT", processes);

    /// <summary>Once each killed replica is seen gone, starts it again; then waits until every replica answers.</summary>
    public static async Task RestartAsync(AtlasAppFixture fixture, string resource, params string[] replicas)
    {
        foreach (var replica in replicas)
        {
            await fixture.App.ResourceNotifications.WaitForResourceAsync(resource,
                change => change.ResourceId == replica && change.Snapshot.State?.Text is "Exited" or "Finished").WaitAsync(AtlasAppFixture.RequestTimeout);
            var started = await fixture.App.ResourceCommands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
            Assert.True(started.Success, $"start {replica}: {started.Message}");
        }

        await fixture.WaitForReplicasAsync(resource);
    }

    private static void Signal(string signal, int[] pids)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", .. pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture))]))!;
        Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(10)), $"kill -{signal}");
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Every process below <paramref name="pid"/>, deepest first.</summary>
    private static IEnumerable<int> Descendants(int pid)
    {
        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture));
        return children.SelectMany(child => Descendants(child).Append(child));
    }
}
