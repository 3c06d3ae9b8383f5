using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What the <see cref="ChaosApi"/> handlers need, injected as one parameter.</summary>
public sealed class ChaosServices(
    ChaosStore store, ChaosInjector injector, ChaosManagerMetrics metrics, ChaosTargetAllowlist targets, IOptions<ChaosManagerOptions> options, TimeProvider timeProvider)
{
    public ChaosStore Store { get; } = store;

    public ChaosInjector Injector { get; } = injector;

    public ChaosManagerMetrics Metrics { get; } = metrics;

    public ChaosTargetAllowlist Targets { get; } = targets;

    public ChaosManagerOptions Options { get; } = options.Value;

    public TimeProvider TimeProvider { get; } = timeProvider;
}
