using AtlasBank.Chaos.Benchmarks;
using BenchmarkDotNet.Running;

// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- --filter '*'      handler cost (BenchmarkDotNet)
// dotnet run -c Release --project AtlasBank.Chaos.Benchmarks -- propagation [N]   toggle propagation, N toggles (default 200)
if (args is ["propagation", .. var rest])
{
    return await TogglePropagation.RunAsync(rest is [var count, ..] ? int.Parse(count, System.Globalization.CultureInfo.InvariantCulture) : 200);
}

BenchmarkSwitcher.FromAssembly(typeof(ChaosHandlerBenchmarks).Assembly).Run(args);
return 0;
