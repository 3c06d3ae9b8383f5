using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Drills.Reports;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Drills.Runs;
using AtlasBank.Chaos.Tests.Observability;

namespace AtlasBank.Chaos.Tests.Nightly;

/// <summary>
/// The nightly GitHub Actions job's logic, <c>scripts/nightly-drill.sh</c>, run for real with bash against the app as
/// the workflow runs it against the deployed manager; and the workflow itself, read as text.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed partial class NightlyDrillScriptTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private const string InstallHint = "the nightly drill script needs bash, curl and python3 (apt-get install -y bash curl python3).";

    /// <summary>Every variable the script reads: a test sets each it wants and inherits none from the machine.</summary>
    private static readonly string[] ScriptVariables =
    [
        "CHAOS_MANAGER_URL", "CHAOS_API_KEY", "DRILL", "DRILL_DURATION_SECONDS", "REPORT_DIR", "POLL_SECONDS", "TIMEOUT_SECONDS",
        "START_RETRY_SECONDS",
        "GITHUB_STEP_SUMMARY",
    ];

    private static readonly TimeSpan ConfigErrorBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private static string Script => Path.Combine(ObservabilityFiles.RepositoryRoot, "scripts", "nightly-drill.sh");

    private static string Workflow => Path.Combine(ObservabilityFiles.RepositoryRoot, ".github", "workflows", "nightly-chaos.yml");

    private readonly DirectoryInfo _work = Directory.CreateTempSubdirectory("nightly-drill-");
    private readonly List<string> _started = [];

    private string ReportDir => Path.Combine(_work.FullName, "drill-report");

    private string ManagerUrl => fixture.CreateManagerClient(null).BaseAddress!.ToString();

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>No run the script started outlives the test (one run per target): aborted if it is still going.</summary>
    public async Task DisposeAsync()
    {
        try
        {
            var runs = new DrillRunsClient(fixture.CreateManagerClient(AtlasAppFixture.AdminKey));
            foreach (var runId in _started)
            {
                if (DrillRunStates.IsActive((await runs.GetAsync(runId)).State))
                {
                    (await runs.AbortAsync(runId)).Dispose();
                    await runs.WaitForEndAsync(runId, StopTimeout);
                }
            }
        }
        finally
        {
            _work.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AShortNightlyDrillExitsZeroWithItsReportSavedAndItsStartAuditedUnderTheOperatorsKey()
    {
        var duration = BuiltInDrillRunTests.ShortDuration("nightly");
        var summary = Path.Combine(_work.FullName, "summary.md");
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        var (exitCode, output, errors) = await RunScriptAsync(
            new()
            {
                ["CHAOS_API_KEY"] = AtlasAppFixture.OperatorKey,
                ["DRILL"] = "nightly",
                ["DRILL_DURATION_SECONDS"] = duration.ToString(CultureInfo.InvariantCulture),
                ["GITHUB_STEP_SUMMARY"] = summary,
            },
            TimeSpan.FromSeconds(duration + 120));
        var runId = RunIdIn(output);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{output}\n{errors}");
        Assert.DoesNotContain(AtlasAppFixture.OperatorKey, output + errors, StringComparison.Ordinal);
        Assert.Contains($"run {runId}: passed", output, StringComparison.Ordinal);

        var html = await File.ReadAllTextAsync(Path.Combine(ReportDir, "report.html"));
        Assert.Contains(runId, html, StringComparison.Ordinal);
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize<DrillReport>(await File.ReadAllTextAsync(Path.Combine(ReportDir, "report.json")), HttpJson.Options)!;
        Assert.Equal(runId, report.RunId);
        Assert.Equal(DrillRunStates.Passed, report.State);

        var run = await new DrillRunsClient(fixture.CreateManagerClient(AtlasAppFixture.ViewerKey)).GetAsync(runId);
        Assert.Equal(DrillRunStates.Passed, run.State);
        Assert.Equal("operator", run.StartedBy);
        Assert.Equal(duration, run.Parameters.DurationSeconds);

        // The start is on the audit record under the operator's key id, as the 201 it was, with the script's override; its end names the run.
        using var admin = fixture.CreateManagerClient(AtlasAppFixture.AdminKey);
        var query = $"/chaos/audit?keyId=operator&from={Uri.EscapeDataString(since.ToString("O", CultureInfo.InvariantCulture))}&pageSize=200";
        AuditPage? audit = null;
        await Eventually.TrueAsync(
            async () =>
            {
                audit = await HttpJson.ReadAsync<AuditPage>(await admin.GetAsync(query).WaitAsync(AtlasAppFixture.RequestTimeout));
                return audit.Entries.Any(entry => entry.Operation == "StartDrillRun" && entry.StatusCode == 201
                        && (entry.RequestBody?.Contains($"\"DurationSeconds\":{duration}", StringComparison.Ordinal) ?? false))
                    && audit.Entries.Any(entry => entry.Operation == "DrillRunEnded" && (entry.Detail?.Contains(runId, StringComparison.Ordinal) ?? false));
            },
            TimeSpan.FromSeconds(10),
            () => Task.FromResult("The script's start (StartDrillRun) and the run's end are not on the audit under key id 'operator':\n"
                + string.Join('\n', audit?.Entries.Select(entry => $"{entry.Operation} {entry.StatusCode} {entry.RequestBody} {entry.Detail}") ?? [])));

        var markdown = await File.ReadAllTextAsync(summary);
        Assert.Contains("`nightly`", markdown, StringComparison.Ordinal);
        Assert.Contains(runId, markdown, StringComparison.Ordinal);
        Assert.Contains("**passed**", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADrillWhoseHypothesisFailsExitsOneWithTheReasonAndItsReportStillSavedAndChaosOff()
    {
        var (exitCode, output, errors) = await RunScriptAsync(
            new() { ["CHAOS_API_KEY"] = AtlasAppFixture.OperatorKey, ["DRILL"] = "test-tight-latency" },
            TimeSpan.FromSeconds(150));
        var runId = RunIdIn(output);

        Assert.True(exitCode == 1, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains($"run {runId}: failed", output, StringComparison.Ordinal);
        Assert.Contains("'transfers-p99'", output, StringComparison.Ordinal);
        Assert.Contains(runId, await File.ReadAllTextAsync(Path.Combine(ReportDir, "report.html")), StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize<DrillReport>(await File.ReadAllTextAsync(Path.Combine(ReportDir, "report.json")), HttpJson.Options)!;
        Assert.Equal(DrillRunStates.Failed, report.State);
        var chaos = await new ChaosManagerClient(fixture.CreateManagerClient(AtlasAppFixture.ViewerKey)).ListAsync();
        Assert.DoesNotContain(chaos.Experiments, experiment => experiment.Service == "ledger");
    }

    [Fact]
    public async Task WithoutAnApiKeyTheScriptExitsTwoNamingItAndStartsNoRun()
    {
        var newest = await NewestRunIdAsync();

        var (exitCode, output, errors) = await RunScriptAsync(new() { ["DRILL"] = "nightly" }, ConfigErrorBound);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains("CHAOS_API_KEY", errors, StringComparison.Ordinal);
        Assert.Equal(newest, await NewestRunIdAsync());
        Assert.False(Directory.Exists(ReportDir));
    }

    [Theory]
    [InlineData("CHAOS_API_KEY", null, "CHAOS_API_KEY")]
    [InlineData("CHAOS_MANAGER_URL", null, "CHAOS_MANAGER_URL")]
    [InlineData("DRILL", "../x", "DRILL")]
    [InlineData("DRILL", "Nightly", "DRILL")]
    [InlineData("DRILL_DURATION_SECONDS", "0", "DRILL_DURATION_SECONDS")]
    [InlineData("DRILL_DURATION_SECONDS", "20; rm -rf /", "DRILL_DURATION_SECONDS")]
    [InlineData("POLL_SECONDS", "-1", "POLL_SECONDS")]
    [InlineData("START_RETRY_SECONDS", "soon", "START_RETRY_SECONDS")]
    public async Task AMissingOrBadInputExitsTwoNamingItBeforeAnyRequest(string variable, string? value, string named)
    {
        // A listener that never accepts: a request from the script would be a connection waiting in its backlog.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var environment = new Dictionary<string, string?>
        {
            ["CHAOS_MANAGER_URL"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}",
            ["CHAOS_API_KEY"] = AtlasAppFixture.OperatorKey,
            [variable] = value,
        };

        var (exitCode, output, errors) = await RunScriptAsync(environment, ConfigErrorBound, managerUrl: null);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains(named, errors, StringComparison.Ordinal);
        Assert.False(listener.Pending(), "the script connected to the manager");
        Assert.DoesNotContain(AtlasAppFixture.OperatorKey, output + errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagerThatRefusesConnectionsIsRetriedUntilStartRetrySecondsThenExitsTwo()
    {
        // A port nothing listens on: each start is refused before anything reaches a manager, so it is safe to repeat.
        int port;
        using (var closed = new TcpListener(IPAddress.Loopback, 0))
        {
            closed.Start();
            port = ((IPEndPoint)closed.LocalEndpoint).Port;
        }

        var (exitCode, output, errors) = await RunScriptAsync(
            new() { ["CHAOS_API_KEY"] = AtlasAppFixture.OperatorKey, ["START_RETRY_SECONDS"] = "8" }, ConfigErrorBound, $"http://127.0.0.1:{port}");

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{errors}");
        Assert.True(RetryLine().Count(output) >= 2, $"fewer than two retries:\n{output}");
        Assert.Contains("the manager did not answer", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AWrongKeyExitsTwoWithThe401AndStartsNoRun()
    {
        var newest = await NewestRunIdAsync();

        var (exitCode, output, errors) = await RunScriptAsync(new() { ["CHAOS_API_KEY"] = "not-a-key-of-this-manager" }, ConfigErrorBound);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains("HTTP 401", errors, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-key-of-this-manager", output + errors, StringComparison.Ordinal);
        Assert.Equal(newest, await NewestRunIdAsync());
    }

    [Fact]
    public async Task AnUnknownDrillExitsTwoWithThe404AndTheProblemsDetail()
    {
        var (exitCode, output, errors) = await RunScriptAsync(
            new() { ["CHAOS_API_KEY"] = AtlasAppFixture.OperatorKey, ["DRILL"] = "no-such-drill" }, ConfigErrorBound);

        Assert.True(exitCode == 2, $"exit {exitCode}\n{output}\n{errors}");
        Assert.Contains("HTTP 404", errors, StringComparison.Ordinal);
        Assert.Contains("No such drill.", errors, StringComparison.Ordinal);
        Assert.Contains("'no-such-drill'", errors, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task TheWorkflowRunsTheScriptNightlyAndOnDemandWithSecretsAndInputsOnlyAsEnvironmentAndAlwaysKeepsTheReport()
    {
        var text = (await File.ReadAllTextAsync(Workflow)).ReplaceLineEndings("\n");
        var steps = Steps(text);

        Assert.Contains("name: Nightly Chaos Experiments\n", text, StringComparison.Ordinal);
        Assert.Matches(@"\non:\n  schedule:\n    - cron: '0 2 \* \* \*'\n", text);
        Assert.Matches(@"\n  workflow_dispatch:\n    inputs:\n      drill:\n", text);
        Assert.Matches(@"\npermissions:\n  contents: read\n", text);

        var drill = Assert.Single(steps, step => step.Contains("nightly-drill.sh", StringComparison.Ordinal));
        Assert.Equal("scripts/nightly-drill.sh", RunLine().Match(drill).Groups[1].Value.Trim());
        Assert.Contains("CHAOS_MANAGER_URL: ${{ secrets.CHAOS_MANAGER_URL }}\n", drill, StringComparison.Ordinal);
        Assert.Contains("CHAOS_API_KEY: ${{ secrets.CHAOS_API_KEY }}\n", drill, StringComparison.Ordinal);
        Assert.Contains("DRILL: ${{ inputs.drill || 'nightly' }}\n", drill, StringComparison.Ordinal);
        Assert.Contains("DRILL_DURATION_SECONDS: ${{ inputs.duration_seconds }}\n", drill, StringComparison.Ordinal);
        // Script injection: nothing of ${{ }} may be spliced into a shell command, in any step.
        Assert.All(steps.Where(step => RunLine().IsMatch(step)), step => Assert.DoesNotContain("${{", RunBlock(step), StringComparison.Ordinal));
        Assert.True(File.GetUnixFileMode(Script).HasFlag(UnixFileMode.UserExecute), "the workflow runs the script directly: it must be executable");

        var upload = Assert.Single(steps, step => step.Contains("uses: actions/upload-artifact@v4", StringComparison.Ordinal));
        Assert.Contains("if: always()", upload, StringComparison.Ordinal);
        Assert.Contains("path: drill-report/", upload, StringComparison.Ordinal);
        Assert.Contains("name: drill-report-${{ github.run_id }}", upload, StringComparison.Ordinal);
    }

    private Task<(int ExitCode, string Output, string Errors)> RunScriptAsync(Dictionary<string, string?> settings, TimeSpan bound) =>
        RunScriptAsync(settings, bound, ManagerUrl);

    /// <summary>Runs the script with bash, bounded, with only the given script variables (and a private report folder, 1 s polls).</summary>
    private async Task<(int ExitCode, string Output, string Errors)> RunScriptAsync(
        Dictionary<string, string?> settings, TimeSpan bound, string? managerUrl)
    {
        var environment = ScriptVariables.ToDictionary(name => name, _ => (string?)null);
        environment["CHAOS_MANAGER_URL"] = managerUrl;
        environment["REPORT_DIR"] = ReportDir;
        environment["POLL_SECONDS"] = "1";
        // The script gives up (and aborts the run) before the test's bound kills it.
        environment["TIMEOUT_SECONDS"] = ((int)(bound.TotalSeconds - 30)).ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        var result = await ToolProcess.RunAsync(_work.FullName, bound, InstallHint, environment, "bash", Script);
        if (StartedRun().Match(result.Output) is { Success: true } started)
        {
            _started.Add(started.Groups[1].Value);
        }

        return result;
    }

    private static string RunIdIn(string output)
    {
        var started = StartedRun().Match(output);
        Assert.True(started.Success, $"no run id in the script's output:\n{output}");
        return started.Groups[1].Value;
    }

    private async Task<string?> NewestRunIdAsync()
    {
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);
        var list = await HttpJson.ReadAsync<DrillRunList>(await viewer.GetAsync("/drills/runs?limit=1").WaitAsync(AtlasAppFixture.RequestTimeout));
        return list.Runs.Count > 0 ? list.Runs[0].RunId : null;
    }

    /// <summary>The workflow's steps, each as its text: a step starts at a "- " line as indented as the first.</summary>
    private static List<string> Steps(string workflow)
    {
        var lines = workflow.Split('\n');
        var first = Array.FindIndex(lines, line => line.TrimStart().StartsWith("- uses: actions/checkout", StringComparison.Ordinal));
        Assert.True(first >= 0, "the workflow checks the repository out first");
        var indent = lines[first].Length - lines[first].TrimStart().Length;
        var steps = new List<string>();
        foreach (var line in lines.Skip(first))
        {
            if (line.Length > indent && line[..indent].Trim().Length == 0 && line[indent..].StartsWith("- ", StringComparison.Ordinal))
            {
                steps.Add("");
            }

            steps[^1] += line + "\n";
        }

        return steps;
    }

    /// <summary>A step's <c>run:</c> value with its block lines (<c>run: |</c>), whatever follows it more indented.</summary>
    private static string RunBlock(string step)
    {
        var lines = step.Split('\n');
        var at = Array.FindIndex(lines, line => RunLine().IsMatch(line + "\n"));
        var indent = lines[at].Length - lines[at].TrimStart(' ', '-').Length;
        var block = lines.Skip(at + 1).TakeWhile(line => line.Trim().Length == 0 || line.Length - line.TrimStart().Length > indent);
        return string.Join('\n', block.Prepend(lines[at]));
    }

    [GeneratedRegex(@"^[ \t]*(?:- )?run:(.*)\n", RegexOptions.Multiline)]
    private static partial Regex RunLine();

    [GeneratedRegex("starting the drill: no answer; retrying in [0-9]+ s")]
    private static partial Regex RetryLine();

    [GeneratedRegex(@"run (run-[0-9a-f]{32}): ")]
    private static partial Regex StartedRun();
}
