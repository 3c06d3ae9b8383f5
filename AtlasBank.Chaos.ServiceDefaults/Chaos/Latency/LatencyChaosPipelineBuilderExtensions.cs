using Polly;
using Polly.Simmy;
using Polly.Simmy.Latency;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Latency;

public static class LatencyChaosPipelineBuilderExtensions
{
    /// <summary>
    /// Polly's latency strategy, delaying every call by the experiment's delay. Polly decides whether to inject;
    /// the wait is <see cref="ChaosDelay"/>'s, so it ends the moment <paramref name="experimentEnded"/> fires and
    /// the call then goes on to its target as if there were no chaos (Polly's own wait could only cancel the call).
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddLatencyChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, LatencyChaosSettings settings, Func<double> randomizer,
        TimeProvider timeProvider, CancellationToken experimentEnded = default) =>
        builder.AddChaosLatency(new ChaosLatencyStrategyOptions
        {
            Randomizer = randomizer,
            InjectionRate = 1.0,
            LatencyGenerator = async args =>
            {
                // Counted before the wait: a call that times out during it is a chaos effect, not an organic failure.
                ChaosInjection.Of(args.Context)?.AddLatency(settings.Delay);
                await ChaosDelay.WaitAsync(settings.Delay, timeProvider, experimentEnded, args.Context.CancellationToken);
                return TimeSpan.Zero; // Waited already: Polly goes straight on to the call.
            },
        });
}
