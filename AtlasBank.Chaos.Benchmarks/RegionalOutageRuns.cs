using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// The built-in <c>regional-outage</c> drill run N times against the real app (processes mode): each run's four RTO
/// numbers, its RPO and its verdict, read from the run's report, and their medians. The drill's workload runs at its
/// own 20 transfers a second.
/// </summary>
public static class RegionalOutageRuns
{
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(3);

    /// <param name="reports">A folder to save each run's report page in (<c>{runId}.html</c>), or null.</param>
    public static async Task<int> RunAsync(int runs, int durationSeconds, string? reports = null)
    {
        await using var app = await BenchmarkApp.StartAsync([], "chaos-manager", "ledgerapi", "ledgerapi-dr");
        using var manager = app.CreateHttpClient("chaos-manager");
        manager.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkApp.ApiKey);

        Console.WriteLine($"regional-outage, {runs} runs of {durationSeconds} s: seconds from the fault's start (the chaos enable).");
        Console.WriteLine("| run | verdict | detection | promotion | first write | 90 % throughput | RPO (source) | failback checksums equal |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---|---|");
        var phases = new List<double?[]>();
        for (var run = 1; run <= runs; run++)
        {
            using var started = await manager.PostAsync("/drills/regional-outage/runs", JsonContent.Create(new { DurationSeconds = durationSeconds }));
            started.EnsureSuccessStatusCode();
            var runId = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("RunId").GetString();
            var report = await WaitForReportAsync(manager, runId!);
            if (reports is not null)
            {
                Directory.CreateDirectory(reports);
                await File.WriteAllTextAsync(Path.Combine(reports, $"{runId}.html"), await manager.GetStringAsync($"/drills/runs/{runId}/report.html"));
            }

            var failover = report.GetProperty("Failover");
            double? Seconds(string name) => failover.ValueKind == JsonValueKind.Object && failover.GetProperty(name) is { ValueKind: JsonValueKind.Number } value
                ? value.GetDouble() : null;
            double?[] numbers = [Seconds("RtoDetectionSeconds"), Seconds("RtoPromotionSeconds"), Seconds("RtoFirstWriteSeconds"), Seconds("RtoThroughputSeconds")];
            phases.Add(numbers);
            var rpo = failover.ValueKind == JsonValueKind.Object ? $"{failover.GetProperty("RpoTransactions").GetInt32()} ({failover.GetProperty("RpoSource").GetString()})" : "—";
            var failback = report.GetProperty("Failback");
            var equal = failback.ValueKind == JsonValueKind.Object ? failback.GetProperty("ChecksumsEqual").ToString() : "—";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {run} | {report.GetProperty("State").GetString()} | {Text(numbers[0])} | {Text(numbers[1])} | {Text(numbers[2])} | {Text(numbers[3])} | {rpo} | {equal} |"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| median | | {Text(Median(phases, 0))} | {Text(Median(phases, 1))} | {Text(Median(phases, 2))} | {Text(Median(phases, 3))} | | |"));
        return 0;
    }

    private static async Task<JsonElement> WaitForReportAsync(HttpClient manager, string runId)
    {
        var deadline = DateTimeOffset.UtcNow + RunBound;
        while (DateTimeOffset.UtcNow < deadline)
        {
            using var response = await manager.GetAsync($"/drills/runs/{runId}/report");
            var report = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (report.GetProperty("State").GetString() is "passed" or "failed" or "aborted")
            {
                return report;
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        throw new TimeoutException($"Run {runId} did not end within {RunBound}.");
    }

    private static double? Median(List<double?[]> runs, int phase)
    {
        var values = runs.Select(run => run[phase]).OfType<double>().Order().ToArray();
        return values.Length == 0 ? null : values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    private static string Text(double? seconds) => seconds is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "—";
}
