using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Ledger;
using Aspire.Hosting.Testing;
using Npgsql;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// What sync mode costs a transfer: POST /transfers on region A's ledger with DR's subscription as a synchronous
/// standby, against the same with none, measured side by side in alternating blocks on one app (so both modes see
/// the same machine, caches and data) at 1 and 8 concurrent clients.
/// </summary>
public static class SyncReplicationLatency
{
    private const int WarmUp = 200;

    public static async Task<int> RunAsync(int transfersPerBlock, int blocks)
    {
        await using var app = await BenchmarkApp.StartAsync([], "ledgerapi", "ledgerapi-dr");
        using var ledger = new HttpClient { BaseAddress = app.GetEndpoint("ledgerapi", "http") };
        var admin = await app.GetConnectionStringAsync("ledgerdb") ?? throw new InvalidOperationException("No ledgerdb connection string.");
        var (from, to) = (await AccountAsync(ledger, true), await AccountAsync(ledger, true));

        Console.WriteLine($"Sync vs async replication: POST /transfers on region A, {blocks} alternating blocks of {transfersPerBlock} per mode and concurrency, after {WarmUp} warm-up transfers.");
        Console.WriteLine("| clients | mode | transfers | p50 ms | p99 ms | transfers/s |");
        Console.WriteLine("|---:|---|---:|---:|---:|---:|");
        try
        {
            await RunAsync(ledger, from, to, WarmUp, 1);
            foreach (var clients in new[] { 1, 8 })
            {
                var latencies = new Dictionary<bool, List<double>> { [false] = [], [true] = [] };
                var seconds = new Dictionary<bool, double> { [false] = 0, [true] = 0 };
                for (var block = 0; block < blocks; block++)
                {
                    foreach (var sync in block % 2 == 0 ? new[] { false, true } : [true, false])
                    {
                        await SetSyncAsync(admin, sync);
                        var started = Stopwatch.StartNew();
                        latencies[sync].AddRange(await RunAsync(ledger, from, to, transfersPerBlock, clients));
                        seconds[sync] += started.Elapsed.TotalSeconds;
                    }
                }

                foreach (var sync in new[] { false, true })
                {
                    var sorted = latencies[sync].Order().ToArray();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {clients} | {(sync ? "sync" : "async")} | {sorted.Length} | {Percentile(sorted, 50):0.00} | {Percentile(sorted, 99):0.00} | {sorted.Length / seconds[sync]:0} |"));
                }
            }
        }
        finally
        {
            await SetSyncAsync(admin, false);
        }

        return 0;
    }

    private static async Task<Guid> AccountAsync(HttpClient ledger, bool allowOverdraft)
    {
        using var response = await ledger.PostAsJsonAsync("/accounts", new { name = $"sync-bench-{Guid.NewGuid():N}", currency = "EUR", allowOverdraft });
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<List<double>> RunAsync(HttpClient ledger, Guid from, Guid to, int count, int clients)
    {
        var latencies = new List<double>(count);
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/transfers") { Content = JsonContent.Create(new { fromAccountId = from, toAccountId = to, amount = 1m }) };
                request.Headers.Add("Idempotency-Key", $"sync-bench-{Guid.NewGuid():N}");
                var started = Stopwatch.GetTimestamp();
                using var response = await ledger.SendAsync(request);
                response.EnsureSuccessStatusCode();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        }));
        return latencies;
    }

    /// <summary>Names DR's subscription as the synchronous standby (or none), and waits until a commit shows the mode.</summary>
    private static async Task SetSyncAsync(string connectionString, bool sync)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var set = sync ? $"ALTER SYSTEM SET synchronous_standby_names = '\"{LedgerReplication.SubscriptionName}\"'" : "ALTER SYSTEM RESET synchronous_standby_names";
        await using (var command = new NpgsqlCommand(set + "; SELECT pg_reload_conf()", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        // The reload reaches the backends at their next command: wait until this session's view matches.
        var expected = sync ? $"\"{LedgerReplication.SubscriptionName}\"" : string.Empty;
        for (var attempt = 0; attempt < 100; attempt++)
        {
            await using var show = new NpgsqlCommand("SHOW synchronous_standby_names", connection);
            if ((string?)await show.ExecuteScalarAsync() == expected)
            {
                // The checkpointer publishes whether a standby is named; give it a moment before measuring.
                await Task.Delay(TimeSpan.FromSeconds(1));
                return;
            }

            await Task.Delay(50);
        }

        throw new InvalidOperationException($"synchronous_standby_names did not become '{expected}'.");
    }

    private static double Percentile(double[] sorted, int percentile) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
