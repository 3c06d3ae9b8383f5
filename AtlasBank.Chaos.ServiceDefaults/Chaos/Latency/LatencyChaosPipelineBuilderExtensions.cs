using Polly;
using Polly.Simmy;
using Polly.Simmy.Latency;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Latency;

public static class LatencyChaosPipelineBuilderExtensions
{
    /// <summary>Polly's latency strategy, delaying every call by the experiment's delay.</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddLatencyChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, LatencyChaosSettings settings, Func<double> randomizer) =>
        builder.AddChaosLatency(new ChaosLatencyStrategyOptions
        {
            Randomizer = randomizer,
            InjectionRate = 1.0,
            Latency = settings.Delay,
            OnLatencyInjected = args =>
            {
                ChaosInjection.Of(args.Context)?.AddLatency(args.Latency);
                return default;
            },
        });
}
