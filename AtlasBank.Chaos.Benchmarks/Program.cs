using AtlasBank.Chaos.Benchmarks;
using AtlasBank.Chaos.Benchmarks.WorkloadMemory;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- --filter '*'      handler cost (BenchmarkDotNet)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- propagation [N]   toggle propagation, N toggles (default 200)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- shadow-load [N] [C] primary latency at shadow rates 0, 5 %, 100 %
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- soak [minutes] [reads/s] [transfers/s] [shadow bound]
//                                                                  memory over a long paced run (default 30, 500, 5, 5000)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- sync-latency [N] [blocks]
//                                                                  transfer latency, DR sync vs async, side by side (default 200, 6)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- regional-outage [N] [seconds] [report folder]
//                                                                  the regional-outage drill N times: RTO numbers and RPO (default 5, 60)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- workload-memory [minutes] [rate]
//                                                                  the drill workload log's memory, old list vs new, side by side (default 60, 500)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- nemesis --schedules N [--seed S] [--steps K] [--rate R] [--shrink D]
//                                                                  N random fault schedules under the bank workload, checked (default 10, 6 steps, 60/s)
static int Number(string[] rest, int position, int fallback) =>
    rest.Length > position ? int.Parse(rest[position], System.Globalization.CultureInfo.InvariantCulture) : fallback;

switch (args)
{
    case ["propagation", .. var rest]:
        return await TogglePropagation.RunAsync(Number(rest, 0, 200));
    case ["shadow-load", .. var rest]:
        return await ShadowLoad.RunAsync(Number(rest, 0, 5_000), Number(rest, 1, 8));
    case ["sync-latency", .. var rest]:
        return await SyncReplicationLatency.RunAsync(Number(rest, 0, 200), Number(rest, 1, 6));
    case ["regional-outage", .. var rest]:
        return await RegionalOutageRuns.RunAsync(Number(rest, 0, 5), Number(rest, 1, 60), rest.Length > 2 ? rest[2] : null);
    case ["workload-memory", .. var rest]:
        return WorkloadLogMemory.Run(Number(rest, 0, 60), Number(rest, 1, 500));
    case ["nemesis", .. var rest]:
        return await NemesisRuns.RunAsync(rest);
    case ["soak", .. var rest]:
        return await Soak.RunAsync(TimeSpan.FromMinutes(Number(rest, 0, 30)), Number(rest, 1, 500), Number(rest, 2, 5), Number(rest, 3, 5_000), TimeSpan.FromMinutes(1));
}

BenchmarkSwitcher.FromAssembly(typeof(ChaosHandlerBenchmarks).Assembly).Run(args);
return 0;
