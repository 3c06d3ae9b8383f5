using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;
using AtlasBank.Chaos.ServiceDefaults.Chaos.Latency;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

public static class ChaosPipelineBuilderExtensions
{
    /// <summary>The chaos strategy of the experiment's kind, configured from it once (no per-call look-ups).</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, ChaosExperiment experiment, Func<double> randomizer, TimeProvider timeProvider)
    {
        if (LatencyChaosSettings.From(experiment) is { } latency)
        {
            builder.AddLatencyChaos(latency, randomizer);
        }

        if (FaultChaosSettings.From(experiment) is { } fault)
        {
            builder.AddFaultChaos(experiment, fault, randomizer, timeProvider);
        }

        return builder;
    }
}
