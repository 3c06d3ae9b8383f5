using AtlasBank.Chaos.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- --filter '*'      handler cost (BenchmarkDotNet)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- propagation [N]   toggle propagation, N toggles (default 200)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- shadow-load [N] [C] primary latency at shadow rates 0, 5 %, 100 %
static int Number(string[] rest, int position, int fallback) =>
    rest.Length > position ? int.Parse(rest[position], System.Globalization.CultureInfo.InvariantCulture) : fallback;

switch (args)
{
    case ["propagation", .. var rest]:
        return await TogglePropagation.RunAsync(Number(rest, 0, 200));
    case ["shadow-load", .. var rest]:
        return await ShadowLoad.RunAsync(Number(rest, 0, 5_000), Number(rest, 1, 8));
}

BenchmarkSwitcher.FromAssembly(typeof(ChaosHandlerBenchmarks).Assembly).Run(args);
return 0;
