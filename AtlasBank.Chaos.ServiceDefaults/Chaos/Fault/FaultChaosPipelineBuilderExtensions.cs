using AtlasBank.Chaos.Contracts.Chaos;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Outcomes;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;

public static class FaultChaosPipelineBuilderExtensions
{
    /// <summary>Polly's outcome strategy, answering <see cref="InjectedFault"/> instead of calling the target.</summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddFaultChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, ChaosExperiment experiment, FaultChaosSettings settings,
        Func<double> randomizer, TimeProvider timeProvider) =>
        builder.AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
        {
            Randomizer = randomizer,
            InjectionRate = settings.FailureRate,
            OutcomeGenerator = async args =>
            {
                if (settings.DelayBeforeFault > TimeSpan.Zero)
                {
                    await Task.Delay(settings.DelayBeforeFault, timeProvider, args.Context.CancellationToken);
                    ChaosInjection.Of(args.Context)?.AddLatency(settings.DelayBeforeFault);
                }

                return Outcome.FromResult(InjectedFault.Create(experiment));
            },
            OnOutcomeInjected = args =>
            {
                ChaosInjection.Of(args.Context)?.AddFault();
                return default;
            },
        });
}
