using System.Diagnostics;
using System.Globalization;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>Signals to the app's processes (Linux): freeze and thaw (SIGSTOP, SIGCONT), kill (SIGKILL), each bounded.</summary>
internal static class ProcessSignals
{
    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(10);

    public static Task StopAsync(IReadOnlyList<int> pids) => SignalAsync("STOP", pids);

    public static Task ContinueAsync(IReadOnlyList<int> pids) => SignalAsync("CONT", pids);

    public static Task KillAsync(IReadOnlyList<int> pids) => SignalAsync("KILL", pids);

    /// <summary>A PostgreSQL server's postmaster (first line of postmaster.pid) and its children: backends, WAL writer, …</summary>
    public static async Task<int[]> PostgresProcessesAsync(string dataDirectory)
    {
        var postmaster = int.Parse((await File.ReadAllLinesAsync(Path.Combine(dataDirectory, "postmaster.pid")))[0], CultureInfo.InvariantCulture);
        return [postmaster, .. Descendants(postmaster)];
    }

    /// <summary><paramref name="pid"/> and every process below it, deepest first.</summary>
    public static int[] Tree(int pid) => [.. Descendants(pid), pid];

    private static int[] Descendants(int pid)
    {
        string children;
        try
        {
            children = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (IOException)
        {
            return [];
        }

        return children.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(child => int.Parse(child, CultureInfo.InvariantCulture))
            .SelectMany(child => Descendants(child).Append(child))
            .ToArray();
    }

    private static async Task SignalAsync(string signal, IReadOnlyList<int> pids)
    {
        if (pids.Count == 0)
        {
            return;
        }

        using var process = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", .. pids.Select(pid => pid.ToString(CultureInfo.InvariantCulture))])
        {
            RedirectStandardError = true,
        })!;
        await process.WaitForExitAsync().WaitAsync(CommandBound);
    }
}
