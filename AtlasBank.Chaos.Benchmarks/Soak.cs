using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// A soak run: the real app (processes mode) under steady paced load for a long time — reads of many accounts at
/// the spec's 5 % shadow rate, so the agent compares continuously, plus keyed transfers — sampling Redis memory and
/// every process's memory (PSS). What must hold: after warm-up, nothing grows with time.
/// </summary>
public static class Soak
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);
    private static readonly string[] Processes = ["ledgerapi", "ledgerapi-dr", "chaos-agent", "chaos-manager", "redis", "postgres", "postgres-dr", "postgres-chaos"];
    private const int Accounts = 500;
    private const int MaxInFlight = 64;

    /// <param name="shadowBound">
    /// <c>Shadow:MaxIndexedComparisons</c> and <c>Shadow:MaxStreamLength</c> for the run: small enough that both bounds
    /// are reached within minutes, so the run shows the plateau rather than the fill-up (production's 100 000 each
    /// take over an hour at this rate).
    /// </param>
    public static async Task<int> RunAsync(TimeSpan duration, int readsPerSecond, int transfersPerSecond, int shadowBound, TimeSpan sampleEvery)
    {
        await using var app = await BenchmarkApp.StartAsync(
            ["--Shadow:Rate=0.05", $"--Shadow:MaxIndexedComparisons={shadowBound}", $"--Shadow:MaxStreamLength={shadowBound}"],
            "ledgerapi", "ledgerapi-dr", "chaos-agent", "chaos-manager");

        using var ledger = new HttpClient { BaseAddress = app.GetEndpoint("ledgerapi", "http"), Timeout = TimeSpan.FromSeconds(30) };
        using var agent = new HttpClient { BaseAddress = app.GetEndpoint("chaos-agent", "http") };
        agent.DefaultRequestHeaders.Add("X-Api-Key", BenchmarkApp.ApiKey);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis") + ",allowAdmin=true");

        var accounts = await CreateAccountsAsync(ledger);
        var pids = new Dictionary<string, int[]>();
        foreach (var name in Processes)
        {
            pids[name] = await ProcessIdsAsync(app, name);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Soak: {duration.TotalMinutes:0} min, {readsPerSecond} reads/s of {Accounts} accounts at shadow rate 5 %, {transfersPerSecond} keyed transfers/s, Shadow:MaxIndexedComparisons and MaxStreamLength={shadowBound}."));
        Console.WriteLine("PSS in MiB (each process with its children, shared pages split among them); Redis used_memory in MiB.");
        Console.WriteLine($"| minute | redis used_memory | keys | stream | comparisons kept | compared | {string.Join(" | ", Processes)} | requests ok | errors | shed |");
        Console.WriteLine($"|---:|---:|---:|---:|---:|---:|{string.Concat(Processes.Select(_ => "---:|"))}---:|---:|---:|");

        var load = new LoadCounters();
        using var stop = new CancellationTokenSource(duration);
        var loadTask = RunLoadAsync(ledger, accounts, readsPerSecond, transfersPerSecond, load, stop.Token);
        var started = Stopwatch.StartNew();
        var samples = new List<Sample>();
        while (true)
        {
            var sample = await SampleAsync(started.Elapsed, redis, agent, pids, load);
            samples.Add(sample);
            Console.WriteLine(sample.Row(Processes));
            if (stop.IsCancellationRequested)
            {
                break;
            }

            try
            {
                await Task.Delay(sampleEvery, stop.Token);
            }
            catch (OperationCanceledException)
            {
                // The last sample is taken at the end of the run.
            }
        }

        await loadTask;
        PrintSummary(samples);
        return 0;
    }

    private static async Task<Guid[]> CreateAccountsAsync(HttpClient ledger)
    {
        var ids = new Guid[Accounts];
        for (var i = 0; i < Accounts; i++)
        {
            // Overdraft allowed, so random transfers between them never fail for funds.
            using var created = await ledger.PostAsJsonAsync("/accounts", new { name = $"soak-{i}", currency = "EUR", allowOverdraft = true });
            created.EnsureSuccessStatusCode();
            ids[i] = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        }

        return ids;
    }

    private sealed class LoadCounters
    {
        public long Ok;
        public long Errors;
        public long Shed;
    }

    /// <summary>Paced, open-loop load: requests are due at a fixed rate; when too many are in flight, they are shed and counted.</summary>
    private static async Task RunLoadAsync(HttpClient ledger, Guid[] accounts, int readsPerSecond, int transfersPerSecond, LoadCounters counters, CancellationToken cancellationToken)
    {
        using var inFlight = new SemaphoreSlim(MaxInFlight);
        using var timer = new PeriodicTimer(Tick);
        var running = new List<Task>();
        double readsDue = 0, transfersDue = 0;
        var ticksPerSecond = 1 / Tick.TotalSeconds;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                readsDue += readsPerSecond / ticksPerSecond;
                transfersDue += transfersPerSecond / ticksPerSecond;
                for (; readsDue >= 1; readsDue--)
                {
                    Launch(() => ledger.GetAsync($"/accounts/{accounts[Random.Shared.Next(accounts.Length)]}"));
                }

                for (; transfersDue >= 1; transfersDue--)
                {
                    Launch(() => Transfer(ledger, accounts));
                }

                running.RemoveAll(task => task.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
            // The run's time is up.
        }

        await Task.WhenAll(running);

        void Launch(Func<Task<HttpResponseMessage>> send)
        {
            if (!inFlight.Wait(0, CancellationToken.None))
            {
                Interlocked.Increment(ref counters.Shed);
                return;
            }

            running.Add(Task.Run(async () =>
            {
                try
                {
                    using var response = await send();
                    await response.Content.ReadAsByteArrayAsync(CancellationToken.None);
                    Interlocked.Increment(ref response.IsSuccessStatusCode ? ref counters.Ok : ref counters.Errors);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    Interlocked.Increment(ref counters.Errors);
                }
                finally
                {
                    inFlight.Release();
                }
            }, CancellationToken.None));
        }
    }

    private static Task<HttpResponseMessage> Transfer(HttpClient ledger, Guid[] accounts)
    {
        var from = Random.Shared.Next(accounts.Length);
        var to = (from + 1 + Random.Shared.Next(accounts.Length - 1)) % accounts.Length;
        var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
        {
            Content = JsonContent.Create(new { fromAccountId = accounts[from], toAccountId = accounts[to], amount = 1.25m }),
        };
        request.Headers.Add("Idempotency-Key", $"soak-{Guid.NewGuid():N}");
        return ledger.SendAsync(request);
    }

    private sealed record Sample(TimeSpan At, double RedisMiB, long Keys, long Stream, long Comparisons, long Compared, IReadOnlyDictionary<string, double> PssMiB, long Ok, long Errors, long Shed)
    {
        public string Row(IEnumerable<string> processes) => string.Create(CultureInfo.InvariantCulture,
            $"| {At.TotalMinutes:0.0} | {RedisMiB:0.0} | {Keys} | {Stream} | {Comparisons} | {Compared} | {string.Join(" | ", processes.Select(name => PssMiB[name].ToString("0.0", CultureInfo.InvariantCulture)))} | {Ok} | {Errors} | {Shed} |");
    }

    private static async Task<Sample> SampleAsync(TimeSpan at, ConnectionMultiplexer redis, HttpClient agent, Dictionary<string, int[]> pids, LoadCounters load)
    {
        var server = redis.GetServers()[0];
        var memory = (await server.InfoAsync("memory")).SelectMany(group => group).First(entry => entry.Key == "used_memory").Value;
        var keys = await server.DatabaseSizeAsync();
        var stream = await redis.GetDatabase().StreamLengthAsync("shadow:samples");
        var comparisons = await redis.GetDatabase().SortedSetLengthAsync("shadow:comparisons");
        var compared = (await agent.GetFromJsonAsync<JsonElement>("/shadow/stats")).GetProperty("ProcessedByThisReplica").GetInt64();
        // A replicated resource's memory is its replicas' together.
        var rss = pids.ToDictionary(pair => pair.Key, pair => pair.Value.Sum(ProportionalMiB));
        return new Sample(at, long.Parse(memory, CultureInfo.InvariantCulture) / 1048576.0, keys, stream, comparisons, compared, rss,
            Interlocked.Read(ref load.Ok), Interlocked.Read(ref load.Errors), Interlocked.Read(ref load.Shed));
    }

    private static void PrintSummary(List<Sample> samples)
    {
        // Start of the curve: the first sample after five minutes (JIT done, pools grown, the shadow bounds reached).
        var start = samples.FirstOrDefault(sample => sample.At >= TimeSpan.FromMinutes(5)) ?? samples[0];
        var end = samples[^1];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Curve from minute {start.At.TotalMinutes:0.0} to minute {end.At.TotalMinutes:0.0}:"));
        Console.WriteLine("| what | start | end | change | max after start |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        var after = samples.Where(sample => sample.At >= start.At).ToList();
        Row("redis used_memory (MiB)", start.RedisMiB, end.RedisMiB, after.Max(sample => sample.RedisMiB));
        Row("redis keys", start.Keys, end.Keys, after.Max(sample => sample.Keys));
        foreach (var name in Processes)
        {
            Row($"{name} PSS (MiB)", start.PssMiB[name], end.PssMiB[name], after.Max(sample => sample.PssMiB[name]));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Requests: {end.Ok} ok, {end.Errors} errors, {end.Shed} shed."));

        static void Row(string what, double first, double last, double max) =>
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {what} | {first:0.0} | {last:0.0} | {(first == 0 ? 0 : (last - first) / first):+0.0%;-0.0%;0.0%} | {max:0.0} |"));
    }

    /// <summary>The process of each replica of the resource (the servers run one).</summary>
    private static async Task<int[]> ProcessIdsAsync(DistributedApplication app, string resource)
    {
        IReadOnlyList<ResourceEvent> events = resource.StartsWith("postgres", StringComparison.Ordinal) || resource == "redis"
            ? [await app.ResourceNotifications.WaitForResourceAsync(resource, change => change.Snapshot.State?.Text == "Running").WaitAsync(TimeSpan.FromMinutes(1))]
            : await BenchmarkApp.ReplicaEventsAsync(app, resource);
        return [.. events.Select(replica =>
            replica.Snapshot.Properties.FirstOrDefault(property => property.Name == "executable.pid")?.Value is { } pid
                ? Convert.ToInt32(pid, CultureInfo.InvariantCulture)
                : throw new InvalidOperationException($"{replica.ResourceId} has no process id in its snapshot."))];
    }

    /// <summary>
    /// Proportional set size of a process and its descendants (PostgreSQL serves each connection from a child):
    /// shared pages are split among the processes that map them, so shared_buffers is not counted once per backend.
    /// </summary>
    private static double ProportionalMiB(int root)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && TryReadParent(pid) is { } parent)
            {
                parents[pid] = parent;
            }
        }

        var tree = new HashSet<int> { root };
        bool grew;
        do
        {
            grew = false;
            foreach (var (pid, parent) in parents)
            {
                grew |= tree.Contains(parent) && tree.Add(pid);
            }
        }
        while (grew);

        return tree.Sum(ProportionalKiB) / 1024.0;
    }

    private static int? TryReadParent(int pid)
    {
        try
        {
            // /proc/<pid>/stat: "pid (comm) state ppid ...", and comm may hold spaces or parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return int.Parse(fields[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return null; // the process ended while we looked
        }
    }

    private static long ProportionalKiB(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/smaps_rollup").FirstOrDefault(line => line.StartsWith("Pss:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
