using System.Diagnostics;
using System.Net;
using System.Text;
using AtlasBank.Chaos.Manager.Drills.Reports;
using AtlasBank.Chaos.Manager.Drills.Runs;

namespace AtlasBank.Chaos.Tests.Drills.Runs;

/// <summary>Runs drills through the manager's runs API as an operator (or a pipeline) does.</summary>
public sealed class DrillRunsClient(HttpClient http)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    public HttpClient Http => http;

    public Task<HttpResponseMessage> PostRunAsync(string drill, string? body = null) =>
        http.PostAsync($"/drills/{drill}/runs", body is null ? null : new StringContent(body, Encoding.UTF8, "application/json")).WaitAsync(AtlasAppFixture.RequestTimeout);

    /// <summary>Starts a run and returns it (201 asserted).</summary>
    public async Task<DrillRun> StartAsync(string drill, string? body = null)
    {
        using var response = await PostRunAsync(drill, body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var run = await HttpJson.ReadAsync<DrillRun>(response);
        Assert.Equal($"/drills/runs/{run.RunId}", response.Headers.Location?.OriginalString);
        return run;
    }

    public async Task<DrillRun> GetAsync(string runId) =>
        await HttpJson.ReadAsync<DrillRun>(await http.GetAsync($"/drills/runs/{runId}").WaitAsync(AtlasAppFixture.RequestTimeout));

    public async Task<DrillReport> ReportAsync(string runId) =>
        await HttpJson.ReadAsync<DrillReport>(await http.GetAsync($"/drills/runs/{runId}/report").WaitAsync(AtlasAppFixture.RequestTimeout));

    public Task<HttpResponseMessage> AbortAsync(string runId) =>
        http.PostAsync($"/drills/runs/{runId}/abort", null).WaitAsync(AtlasAppFixture.RequestTimeout);

    /// <summary>Polls the run until it has ended (passed, failed or aborted), within <paramref name="timeout"/>.</summary>
    public Task<DrillRun> WaitForEndAsync(string runId, TimeSpan timeout) =>
        WaitUntilAsync(runId, run => !DrillRunStates.IsActive(run.State), timeout, "to end");

    public async Task<DrillRun> WaitUntilAsync(string runId, Func<DrillRun, bool> condition, TimeSpan timeout, string what)
    {
        var stopwatch = Stopwatch.StartNew();
        DrillRun? run = null;
        while (stopwatch.Elapsed < timeout)
        {
            run = await TryGetAsync(runId);
            if (run is not null && condition(run))
            {
                return run;
            }

            await Task.Delay(PollInterval);
        }

        Assert.Fail($"Run {runId} did not {what} within {timeout}; last seen {run?.State}: {run?.Reason}");
        return run!;
    }

    /// <summary>Null while the manager does not answer (it may be restarting).</summary>
    private async Task<DrillRun?> TryGetAsync(string runId)
    {
        try
        {
            using var response = await http.GetAsync($"/drills/runs/{runId}").WaitAsync(AtlasAppFixture.RequestTimeout);
            return response.IsSuccessStatusCode ? await HttpJson.ReadAsync<DrillRun>(response) : null;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }
}
