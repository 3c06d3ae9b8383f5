using System.Diagnostics;
using System.Globalization;
using System.Text;
using Aspire.Hosting.Testing;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// Time from the manager's answer to an enable or disable until another process's chaos view has changed,
/// over many toggles, and from disable-all's answer until the last call that process had in flight in a 60 s
/// injected delay has returned from the ledger. Starts the real app (processes mode); this process plays
/// "another service" (ServiceDefaults, production's resync interval).
/// </summary>
public static class TogglePropagation
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const int CallsInFlight = 4;

    public static async Task<int> RunAsync(int toggles)
    {
        await using var app = await BenchmarkApp.StartAsync(["--ChaosManager:RateLimits:ChangesPerMinute=100000"], "chaos-manager");
        using var manager = app.CreateHttpClient("chaos-manager");
        manager.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkApp.ApiKey);

        var service = Host.CreateApplicationBuilder();
        service.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = await app.GetConnectionStringAsync("redis-service"), // a service's Redis user, as in production
            ["services:ledgerapi:http:0"] = app.GetEndpoint("ledgerapi", "http").ToString(),
        });
        service.Logging.SetMinimumLevel(LogLevel.Warning);
        service.AddServiceDefaults();
        using var host = service.Build();
        await host.StartAsync();
        var cache = host.Services.GetRequiredService<ChaosStateCache>();
        using var ledger = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        var target = new Uri("http://ledgerapi/alive");
        (await ledger.GetAsync(target)).EnsureSuccessStatusCode().Dispose(); // connections open before anything is timed
        await WaitAsync(() => cache.LastSyncedAt is not null);

        var enable = new List<double>(toggles);
        var disable = new List<double>(toggles);
        var disableAll = new List<double>(toggles);
        for (var i = 0; i < toggles; i++)
        {
            using (var response = await manager.PostAsync("/chaos/enable", Json("""{"Service":"ledger","Mode":"latency","DelayMs":1}""")))
            {
                response.EnsureSuccessStatusCode();
                enable.Add(await WaitAsync(() => cache.Match(target) is not null));
            }

            using (var response = await manager.PostAsync("/chaos/disable", Json("\"ledger\"")))
            {
                response.EnsureSuccessStatusCode();
                disable.Add(await WaitAsync(() => cache.Match(target) is null));
            }

            // The emergency stop, on a fresh experiment.
            using (var response = await manager.PostAsync("/chaos/enable", Json("""{"Service":"ledger","Mode":"latency","DelayMs":1}""")))
            {
                response.EnsureSuccessStatusCode();
                await WaitAsync(() => cache.Match(target) is not null);
            }

            using (var response = await manager.PostAsync("/chaos/disable-all", null))
            {
                response.EnsureSuccessStatusCode();
                disableAll.Add(await WaitAsync(() => cache.Match(target) is null));
            }
        }

        // In-flight delays: calls waiting in a 60 s injected delay when disable-all answers.
        var released = new List<double>(toggles);
        for (var i = 0; i < toggles; i++)
        {
            using (var response = await manager.PostAsync("/chaos/enable", Json("""{"Service":"ledger","Mode":"latency","DelayMs":60000}""")))
            {
                response.EnsureSuccessStatusCode();
                await WaitAsync(() => cache.Match(target) is not null);
            }

            Task<long>[] calls = [.. Enumerable.Range(0, CallsInFlight).Select(_ => CallAsync(ledger, target))];
            await Task.Delay(TimeSpan.FromMilliseconds(20));
            if (calls.Any(call => call.IsCompleted))
            {
                throw new InvalidOperationException("A call returned before chaos was disabled: it was not delayed.");
            }

            using (var response = await manager.PostAsync("/chaos/disable-all", null))
            {
                var answeredAt = Stopwatch.GetTimestamp();
                response.EnsureSuccessStatusCode();
                var returnedAt = await Task.WhenAll(calls).WaitAsync(Bound);
                released.Add(Stopwatch.GetElapsedTime(answeredAt, returnedAt.Max()).TotalMilliseconds);
            }
        }

        await host.StopAsync();
        Console.WriteLine($"Toggle propagation over {toggles} enables, {toggles} disables and {toggles} disable-alls (ms from the manager's answer until another process sees it):");
        Console.WriteLine(Row("enable", enable));
        Console.WriteLine(Row("disable", disable));
        Console.WriteLine(Row("disable-all", disableAll));
        Console.WriteLine(Row("all", [.. enable, .. disable, .. disableAll]));
        Console.WriteLine($"In-flight delays over {toggles} disable-alls, {CallsInFlight} calls each in a 60 s delay (ms from disable-all's answer until the last returned from the ledger):");
        Console.WriteLine(Row("released", released));
        return 0;
    }

    /// <summary>A call through the service's HttpClient; returns when it came back (it must have been delayed).</summary>
    private static async Task<long> CallAsync(HttpClient client, Uri target)
    {
        using var response = await client.GetAsync(target);
        var returnedAt = Stopwatch.GetTimestamp();
        response.EnsureSuccessStatusCode();
        return response.Headers.Contains(ChaosHeaders.Injected) ? returnedAt : throw new InvalidOperationException("The call was not delayed.");
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static async Task<double> WaitAsync(Func<bool> seen)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!seen())
        {
            if (stopwatch.Elapsed > Bound)
            {
                throw new TimeoutException($"The change was not seen within {Bound}.");
            }

            await Task.Delay(TimeSpan.FromTicks(1_000)); // ~0.1 ms: yields the core to the app under test
        }

        return stopwatch.Elapsed.TotalMilliseconds;
    }

    private static string Row(string name, List<double> samples)
    {
        samples.Sort();
        double At(double quantile) => samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(quantile * samples.Count) - 1)];
        return string.Create(CultureInfo.InvariantCulture, $"  {name,-11} p50 {At(0.50),7:0.00}  p99 {At(0.99),7:0.00}  max {samples[^1],7:0.00}  (n={samples.Count})");
    }
}
