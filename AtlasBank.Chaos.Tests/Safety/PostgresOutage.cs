using System.Diagnostics;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.Tests.Safety;

/// <summary>How a PostgreSQL server of the app fails: its processes paused (connections stall), or the server stopped.</summary>
public enum OutageKind
{
    Frozen,
    Stopped,
}

/// <summary>
/// A real outage of one of the app's PostgreSQL servers: SIGSTOP of the postmaster and every backend (a hung
/// server: TCP still accepts, nothing answers), or the resource's stop command. <see cref="EndAsync"/> brings it
/// back and waits until it is healthy again.
/// </summary>
public sealed class PostgresOutage
{
    private readonly AtlasAppFixture _fixture;
    private readonly string _server;
    private readonly OutageKind _kind;
    private int[] _frozen = [];

    private PostgresOutage(AtlasAppFixture fixture, string server, OutageKind kind) => (_fixture, _server, _kind) = (fixture, server, kind);

    public static async Task<PostgresOutage> BeginAsync(AtlasAppFixture fixture, string server, OutageKind kind)
    {
        var outage = new PostgresOutage(fixture, server, kind);
        if (kind == OutageKind.Frozen)
        {
            outage._frozen = await outage.ServerProcessesAsync();
            await SignalAsync("STOP", outage._frozen);
        }
        else
        {
            await fixture.App.ResourceCommands.ExecuteCommandAsync(server, KnownResourceCommands.StopCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        }

        return outage;
    }

    public async Task EndAsync()
    {
        if (_kind == OutageKind.Frozen)
        {
            await SignalAsync("CONT", _frozen);
        }
        else
        {
            await _fixture.App.ResourceCommands.ExecuteCommandAsync(_server, KnownResourceCommands.StartCommand).WaitAsync(AtlasAppFixture.RequestTimeout);
        }

        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync(_server).WaitAsync(AtlasAppFixture.StartTimeout);

        // Leave the app as the next test expects it: the server's users serving from it again, not only the server up.
        var (resource, path) = _server == "postgres" ? ("ledgerapi", "/ledger/checksum") : ("chaos-manager", "/chaos/audit?pageSize=1");
        using var client = _fixture.CreateClient(resource);
        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync(path);
            return response.IsSuccessStatusCode;
        }, TimeSpan.FromSeconds(30), $"{resource} to serve {path} again after {_server} came back");
    }

    /// <summary>The postmaster (first line of its postmaster.pid) and its children: backends, WAL writer, checkpointer, …</summary>
    private async Task<int[]> ServerProcessesAsync()
    {
        var resource = _fixture.App.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .OfType<ProcessPostgresServerResource>().Single(r => r.Name == _server);
        var postmaster = int.Parse((await File.ReadAllLinesAsync(Path.Combine(resource.DataDirectory, "postmaster.pid")))[0], System.Globalization.CultureInfo.InvariantCulture);
        var children = (await RunAsync("pgrep", "-P", postmaster.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pid => int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
        return [postmaster, .. children];
    }

    private static async Task SignalAsync(string signal, int[] pids) =>
        await RunAsync("kill", [$"-{signal}", .. pids.Select(pid => pid.ToString(System.Globalization.CultureInfo.InvariantCulture))]);

    private static async Task<string> RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(command, arguments) { RedirectStandardOutput = true })!;
        var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        await process.WaitForExitAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
        return output;
    }
}
