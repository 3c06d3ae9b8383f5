using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

internal static class ChaosTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static ChaosExperiment Experiment(
        string service = "ledger", ChaosMode mode = ChaosMode.Failure, double failureRate = 1.0, int delayMs = 0,
        string? targetUrl = null, TimeSpan? lease = null) =>
        new(service, mode, failureRate, delayMs, 0, targetUrl, $"exp-test-{service}", Start, Start + (lease ?? TimeSpan.FromMinutes(30)));

    public static ChaosStateCache Cache(FakeTimeProvider time, ChaosOptions? options = null, params ChaosExperiment[] experiments)
    {
        var cache = new ChaosStateCache(Options.Create(options ?? new ChaosOptions()), time);
        cache.Apply(experiments);
        return cache;
    }
}
