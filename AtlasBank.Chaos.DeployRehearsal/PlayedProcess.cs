using System.Diagnostics;
using System.Globalization;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>
/// One real process of the rehearsal, started with exactly the environment it is given (and only what any process
/// needs to run: PATH, HOME, the .NET root), its output in a log file named after its resource.
/// </summary>
public sealed class PlayedProcess : IAsyncDisposable
{
    private static readonly string[] Inherited = ["PATH", "HOME", "TMPDIR", "DOTNET_ROOT", "LANG"];
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(15);
    private readonly Process _process;
    private readonly StreamWriter _log;

    private PlayedProcess(string name, Process process, StreamWriter log) => (Name, _process, _log) = (name, process, log);

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public string LogPath => ((FileStream)_log.BaseStream).Name;

    public static PlayedProcess Start(
        string name, string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, string logDirectory)
    {
        // Its own process group (setsid execs in place), so stopping it stops everything it started, as a container stop does.
        var startInfo = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(fileName);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var variable in Inherited)
        {
            if (Environment.GetEnvironmentVariable(variable) is { } value)
            {
                startInfo.Environment[variable] = value;
            }
        }

        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(logDirectory, $"{name}.log")) { AutoFlush = true };
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PlayedProcess(name, process, log);
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>The last lines of its log, for a failure message.</summary>
    public string Tail(int lines = 30)
    {
        lock (_log)
        {
            _log.Flush();
        }

        using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var all = reader.ReadToEnd().Split('\n');
        return string.Join('\n', all.TakeLast(lines));
    }

    /// <summary>
    /// Stops it as a platform stops a container: SIGTERM to its whole process group (postgres shuts down, redis saves,
    /// .NET stops its host), then SIGKILL to whatever is still running after the grace period.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var group = $"-{_process.Id.ToString(CultureInfo.InvariantCulture)}";
        await ExternalCommand.RunAsync("kill", ["-TERM", "--", group], StopGrace);
        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopGrace);
        }
        catch (TimeoutException)
        {
            await ExternalCommand.RunAsync("kill", ["-KILL", "--", group], StopGrace);
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(StopGrace);
        }

        _process.Dispose();
        lock (_log)
        {
            _log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }
}
