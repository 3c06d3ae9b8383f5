using System.Globalization;
using AtlasBank.Chaos.Nemesis;

namespace AtlasBank.Chaos.Benchmarks;

/// <summary>
/// <c>nemesis --schedules N [--seed S] [--steps K] [--rate R] [--shrink D]</c>: N generated fault schedules against one real app
/// (processes mode), the bank workload at R transfers a second through <c>http://ledger</c>, a table row per
/// schedule; for an anomaly, its seed and history; then D draws (default 30) of CsCheck shrinking from the smallest
/// failure. Exit code 1 when any schedule failed the checker.
/// </summary>
public static class NemesisRuns
{
    public static async Task<int> RunAsync(string[] arguments)
    {
        string? Option(string name) => arguments.SkipWhile(argument => argument != name).Skip(1).FirstOrDefault();
        var seed = Option("--seed");
        var schedules = int.Parse(Option("--schedules") ?? (seed is null ? "10" : "1"), CultureInfo.InvariantCulture);
        var shrinkDraws = int.Parse(Option("--shrink") ?? "30", CultureInfo.InvariantCulture);
        var options = new NemesisOptions
        {
            MaxSteps = int.Parse(Option("--steps") ?? "6", CultureInfo.InvariantCulture),
            RatePerSecond = int.Parse(Option("--rate") ?? "60", CultureInfo.InvariantCulture),
        };

        // Hundreds of requests wait at once while a region is frozen; the pool should not have to grow into that slowly.
        ThreadPool.SetMinThreads(64, 64);
        // The current app and its target; a schedule that cannot bring the bank home gets the next schedule a fresh one.
        var apps = new List<(Aspire.Hosting.DistributedApplication App, NemesisTarget Target)>();
        async Task<NemesisTarget> StartAppAsync()
        {
            if (apps.Count > 0)
            {
                apps[^1].Target.Dispose();
                await apps[^1].App.DisposeAsync();
            }

            var app = await BenchmarkApp.StartAsync([], quietResources: true, "chaos-manager", "ledgerapi", "ledgerapi-dr", "redis");
            using var start = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var target = await NemesisTarget.ConnectAsync(app, BenchmarkApp.ApiKey, start.Token);
            apps.Add((app, target));
            return target;
        }

        var first = await StartAppAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"nemesis: {schedules} schedules of 1–{options.MaxSteps} steps{(seed is null ? string.Empty : $" from seed {seed}")}, {options.RatePerSecond} transfers/s through http://ledger"));
        var (failingSeed, verdicts) = await NemesisCheck.RunAsync(first, schedules, seed, shrinkDraws, options, Console.Out, TimeProvider.System, StartAppAsync);
        apps[^1].Target.Dispose();
        await apps[^1].App.DisposeAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{verdicts.Count} schedules run: {verdicts.Count(v => !v.Valid)} with anomalies; lost {verdicts.Sum(v => v.Lost)}, doubled {verdicts.Sum(v => v.Doubled)}, split-brain {verdicts.Count(v => v.SplitBrain.Count > 0)}, acknowledged {verdicts.Sum(v => v.Acknowledged)}"));
        if (failingSeed is not null)
        {
            Console.WriteLine($"smallest failing schedule: replay with  dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- nemesis --seed {failingSeed} --steps {options.MaxSteps}");
        }

        return failingSeed is null ? 0 : 1;
    }
}
