using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// A load run against the real primary ledger at shadow rates 0, 5 % and 100 %: the primary's p50/p99 read
/// latency, and how many comparisons per second the agent completes. One app start per rate.
/// </summary>
public static class ShadowLoad
{
    private static readonly (double Rate, bool Agent)[] Runs = [(0.0, true), (0.05, false), (0.05, true), (1.0, true)];

    public static async Task<int> RunAsync(int requests, int concurrency)
    {
        Console.WriteLine($"Shadow load: {requests} GET /accounts/{{id}} per run, {concurrency} concurrent, after {WarmUp} warm-up requests.");
        Console.WriteLine("| shadow rate | agent | primary p50 | primary p99 | requests/s | comparisons | agent comparisons/s |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|");
        foreach (var (rate, agent) in Runs)
        {
            Console.WriteLine(await RunRateAsync(rate, agent, requests, concurrency));
        }

        return 0;
    }

    private const int WarmUp = 2_000;

    /// <summary>
    /// One run. With <paramref name="agent"/> false the agent is stopped: the primary pays only for its tap,
    /// which isolates the tap's cost from the agent's and DR's CPU on a machine they all share.
    /// </summary>
    private static async Task<string> RunRateAsync(double rate, bool agent, int requests, int concurrency)
    {
        await using var app = await BenchmarkApp.StartAsync(
            [$"--Shadow:Rate={rate.ToString(CultureInfo.InvariantCulture)}"], "ledgerapi", "ledgerapi-dr", "chaos-agent");

        using var ledger = new HttpClient { BaseAddress = app.GetEndpoint("ledgerapi", "http") };
        using var agentClient = new HttpClient { BaseAddress = app.GetEndpoint("chaos-agent", "http") };
        agentClient.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkApp.ApiKey); // the agent's API takes the chaos keys
        if (!agent)
        {
            // Every agent replica.
            await app.ResourceCommands.ExecuteCommandAsync(BenchmarkApp.Resource(app, "chaos-agent"), Aspire.Hosting.ApplicationModel.KnownResourceCommands.StopCommand);
        }

        using var created = await ledger.PostAsJsonAsync("/accounts", new { name = "load", currency = "EUR", allowOverdraft = true });
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        var path = $"/accounts/{id}";

        await RunAsync(ledger, path, WarmUp, concurrency);
        var processedBefore = agent ? await ProcessedAsync(app) : 0;
        var started = Stopwatch.StartNew();
        var latencies = await RunAsync(ledger, path, requests, concurrency);
        var loadSeconds = started.Elapsed.TotalSeconds;

        // Let the agent drain what the run sampled: throughput is comparisons over the time they took.
        var expected = agent ? (long)(requests * rate * 0.9) : 0;
        long processed = 0;
        while (agent && (processed = await ProcessedAsync(app) - processedBefore) < expected && started.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(100);
        }

        var agentSeconds = started.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return string.Create(CultureInfo.InvariantCulture,
            $"| {rate:P0} | {(agent ? "running" : "stopped")} | {latencies[latencies.Length / 2]:0.00} ms | {latencies[(int)(latencies.Length * 0.99)]:0.00} ms | {requests / loadSeconds:0} | {processed} | {(processed == 0 ? 0 : processed / agentSeconds):0} |");
    }

    private static async Task<double[]> RunAsync(HttpClient client, string path, int requests, int concurrency)
    {
        var latencies = new double[requests];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.GetAsync(path);
                response.EnsureSuccessStatusCode();
                await response.Content.ReadAsByteArrayAsync();
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        }));
        return latencies;
    }

    /// <summary>Comparisons every agent replica made (each counts its own).</summary>
    private static async Task<long> ProcessedAsync(DistributedApplication app)
    {
        long processed = 0;
        foreach (var (_, address) in await BenchmarkApp.ReplicasAsync(app, "chaos-agent"))
        {
            using var agent = new HttpClient { BaseAddress = address };
            agent.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkApp.ApiKey);
            processed += (await agent.GetFromJsonAsync<JsonElement>("/shadow/stats")).GetProperty("ProcessedByThisReplica").GetInt64();
        }

        return processed;
    }
}
