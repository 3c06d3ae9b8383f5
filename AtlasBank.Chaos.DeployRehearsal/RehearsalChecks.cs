using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>What a platform team checks after a deployment, against the app the manifest started.</summary>
internal sealed class RehearsalChecks(
    AspireManifest manifest, DeploymentValues values, string adminKey, IReadOnlyList<PlayedProcess> running, RehearsalOptions options, Action<string> say)
{
    private const string Manager = "chaos-manager";
    public const string Provisioning = "provisioning";
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);
    private static readonly string[] SummaryFields = ["State", "FromRegion", "ToRegion", "RtoSeconds"];

    private string Url(string project) => values.Resolve($"{{{project}.bindings.http.url}}");

    /// <summary>
    /// With every server up and nothing provisioned, each service that reads PostgreSQL answers /health with an error
    /// (its login does not exist yet, or its database holds an older provisioning version): no traffic reaches it
    /// before the provisioning has run.
    /// </summary>
    public async Task UnprovisionedServicesStayUnreadyAsync(CancellationToken cancellationToken)
    {
        using var bound = Bound(cancellationToken);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var service in manifest.OfType("project.v0").Where(ReadsPostgres))
        {
            var process = Process(service);
            HttpResponseMessage? health = null;
            while (health is null)
            {
                if (process.HasExited || bound.IsCancellationRequested)
                {
                    throw Failed(process, $"'{service}' never answered /health before the provisioning ran");
                }

                try
                {
                    health = await http.GetAsync(new Uri($"{Url(service)}/health"), bound.Token);
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(Poll, cancellationToken);
                }
            }

            using (health)
            {
                if (health.IsSuccessStatusCode)
                {
                    throw Failed(process, $"'{service}' reports healthy before anything created its login or its tables");
                }

                say($"{service} unready ({(int)health.StatusCode}) before the provisioning has run, as it must be");
            }
        }
    }

    /// <summary>The provisioning exits 0; every service answers 200 on /health (ready: its database holds its version).</summary>
    public async Task AllHealthyAsync(CancellationToken cancellationToken)
    {
        using var bound = Bound(cancellationToken);
        var provisioning = Process(Provisioning);
        try
        {
            await provisioning.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failed(provisioning, $"the provisioning did not finish within {options.StepBound}");
        }

        if (provisioning.ExitCode != 0)
        {
            throw Failed(provisioning, $"the provisioning exited {provisioning.ExitCode}");
        }

        say("provisioning finished (exit 0)");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        foreach (var service in manifest.OfType("project.v0").Where(project => manifest.BindingsOf(project).Any(binding => binding.Binding == "http")))
        {
            var process = Process(service);
            while (true)
            {
                if (process.HasExited)
                {
                    throw Failed(process, $"'{service}' exited ({process.ExitCode}) before it was healthy");
                }

                try
                {
                    using var health = await http.GetAsync(new Uri($"{Url(service)}/health"), bound.Token);
                    if (health.IsSuccessStatusCode)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }
                catch (TaskCanceledException) when (!bound.IsCancellationRequested)
                {
                    // One slow answer.
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    throw Failed(process, $"'{service}' was not healthy within {options.StepBound}");
                }

                await Task.Delay(Poll, bound.Token);
            }

            say($"{service} healthy at {Url(service)}");
        }
    }

    /// <summary>The spec's chaos curls, as written but for the key: enable, inject, stats, bulk-enable, list, then everything off.</summary>
    public async Task ChaosCurlsAsync(CancellationToken cancellationToken)
    {
        using var http = ManagerClient();
        await ExpectSuccessAsync(http.PostAsJsonAsync("/chaos/enable", new
        {
            Service = "ledger", Mode = "latency", FailureRate = 0.0, DelayMs = 500, RetryCount = 3, TargetUrl = "http://ledgerapi:6181/health",
        }, cancellationToken), "POST /chaos/enable (the spec's latency test)");
        await ExpectSuccessAsync(http.GetAsync("/chaos/inject?service=ledger", cancellationToken), "GET /chaos/inject?service=ledger");
        await ExpectSuccessAsync(http.GetAsync("/chaos/stats", cancellationToken), "GET /chaos/stats");
        await ExpectSuccessAsync(http.PostAsJsonAsync("/chaos/bulk-enable", new object[]
        {
            new { Service = "ledger", Mode = "latency", FailureRate = 0.0, DelayMs = 300, RetryCount = 3 },
            new { Service = "payments", Mode = "failure", FailureRate = 0.15, DelayMs = 200, RetryCount = 2 },
        }, cancellationToken), "POST /chaos/bulk-enable (the spec's bulk test)");
        var list = await ExpectSuccessAsync(http.GetAsync("/chaos/list", cancellationToken), "GET /chaos/list");
        if (!list.Contains("payments", StringComparison.Ordinal))
        {
            throw new RehearsalException($"GET /chaos/list does not list the experiment just enabled: {list}");
        }

        await ExpectSuccessAsync(http.PostAsync("/chaos/disable-all", null, cancellationToken), "POST /chaos/disable-all");
        say("the spec's chaos curls answered as documented");
    }

    /// <summary>A short <c>nightly</c> drill through scripts/nightly-drill.sh, the nightly job's own client: it must pass.</summary>
    public async Task NightlyDrillAsync(CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add(Path.Combine(options.RepositoryRoot, "scripts", "nightly-drill.sh"));
        startInfo.Environment["CHAOS_MANAGER_URL"] = Url(Manager);
        startInfo.Environment["CHAOS_API_KEY"] = adminKey;
        startInfo.Environment["DRILL"] = "nightly";
        startInfo.Environment["DRILL_DURATION_SECONDS"] = options.DrillSeconds.ToString(CultureInfo.InvariantCulture);
        startInfo.Environment["REPORT_DIR"] = Path.Combine(options.RunDirectory, "drill-report");
        startInfo.Environment["POLL_SECONDS"] = "2";
        startInfo.Environment["TIMEOUT_SECONDS"] = ((int)options.StepBound.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        using var script = System.Diagnostics.Process.Start(startInfo)!;
        var output = script.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = script.StandardError.ReadToEndAsync(cancellationToken);
        using var bound = Bound(cancellationToken, extra: TimeSpan.FromMinutes(1));
        try
        {
            await script.WaitForExitAsync(bound.Token);
        }
        catch (OperationCanceledException)
        {
            script.Kill(entireProcessTree: true);
            throw new RehearsalException($"the nightly drill gave no verdict in time: {await output}{await error}");
        }

        if (script.ExitCode != 0)
        {
            throw new RehearsalException($"the nightly drill did not pass (exit {script.ExitCode}): {await output}{await error}\n{Process(Manager).Tail()}");
        }

        say($"nightly drill passed: {(await output).Trim().Split('\n')[^1]}");
    }

    /// <summary>A failover to region B and a failback to region A, each answered with its record and seen in the state.</summary>
    public async Task FailoverAndFailbackAsync(CancellationToken cancellationToken)
    {
        using var http = ManagerClient();
        var failover = await ExpectSuccessAsync(
            http.PostAsJsonAsync("/dr/failover", new { Reason = "deploy rehearsal" }, cancellationToken), "POST /dr/failover");
        await ExpectActiveRegionAsync(http, "region-b", cancellationToken);
        say($"failover: {Summary(failover)}");
        var failback = await ExpectSuccessAsync(http.PostAsync("/dr/failback", null, cancellationToken), "POST /dr/failback");
        await ExpectActiveRegionAsync(http, "region-a", cancellationToken);
        say($"failback: {Summary(failback)}");
    }

    private static string Summary(string record)
    {
        using var document = JsonDocument.Parse(record);
        var root = document.RootElement;
        return string.Join(", ", SummaryFields
            .Where(property => root.TryGetProperty(property, out _))
            .Select(property => $"{property} {root.GetProperty(property)}"));
    }

    private async Task ExpectActiveRegionAsync(HttpClient http, string region, CancellationToken cancellationToken)
    {
        var state = await ExpectSuccessAsync(http.GetAsync("/dr/state", cancellationToken), "GET /dr/state");
        using var document = JsonDocument.Parse(state);
        if (document.RootElement.GetProperty("ActiveRegion").GetString() != region)
        {
            throw new RehearsalException($"after the switch the active region should be {region}: {state}");
        }
    }

    private async Task<string> ExpectSuccessAsync(Task<HttpResponseMessage> request, string what)
    {
        using var response = await request;
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode
            ? body
            : throw new RehearsalException($"{what} answered {(int)response.StatusCode}: {body}\n{Process(Manager).Tail()}");
    }

    private HttpClient ManagerClient()
    {
        var http = new HttpClient { BaseAddress = new Uri(Url(Manager)), Timeout = options.StepBound };
        http.DefaultRequestHeaders.Add("X-Api-Key", adminKey);
        return http;
    }

    /// <summary>A service with a PostgreSQL login in its environment (a connection string that names a database).</summary>
    private bool ReadsPostgres(string project) =>
        manifest.EnvironmentOf(project).Any(variable => variable.Key.StartsWith("ConnectionStrings__", StringComparison.Ordinal)
            && values.Resolve(variable.Value).Contains("Database=", StringComparison.Ordinal))
        && project != Provisioning;

    private PlayedProcess Process(string name) => running.Single(process => process.Name == name);

    private CancellationTokenSource Bound(CancellationToken cancellationToken, TimeSpan? extra = null)
    {
        var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.StepBound + (extra ?? TimeSpan.Zero));
        return bound;
    }

    private static RehearsalException Failed(PlayedProcess process, string what) =>
        new($"{what}. Its log ({process.LogPath}) ends:\n{process.Tail()}");
}
