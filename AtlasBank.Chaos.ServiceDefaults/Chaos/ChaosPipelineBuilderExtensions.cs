using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;
using AtlasBank.Chaos.ServiceDefaults.Chaos.Latency;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

public static class ChaosPipelineBuilderExtensions
{
    /// <summary>
    /// The chaos strategy of the experiment's kind, configured from it once (no per-call look-ups). Its injected
    /// delays end early when <paramref name="experimentEnded"/> fires (never, by default).
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, ChaosExperiment experiment, Func<double> randomizer, TimeProvider timeProvider,
        CancellationToken experimentEnded = default)
    {
        if (LatencyChaosSettings.From(experiment) is { } latency)
        {
            builder.AddLatencyChaos(latency, randomizer, timeProvider, experimentEnded);
        }

        if (FaultChaosSettings.From(experiment) is { } fault)
        {
            builder.AddFaultChaos(experiment, fault, randomizer, timeProvider, experimentEnded);
        }

        return builder;
    }
}
