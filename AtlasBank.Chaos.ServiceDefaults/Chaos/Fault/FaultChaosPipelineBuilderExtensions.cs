using AtlasBank.Chaos.Contracts.Chaos;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Outcomes;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos.Fault;

public static class FaultChaosPipelineBuilderExtensions
{
    /// <summary>
    /// Polly's outcome strategy, answering <see cref="InjectedFault"/> instead of calling the target. When the
    /// experiment ends (<paramref name="experimentEnded"/>) before the fault is given — during its delay — no fault
    /// is injected: the call goes on to its target, as every call does once the experiment is gone.
    /// </summary>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddFaultChaos(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, ChaosExperiment experiment, FaultChaosSettings settings,
        Func<double> randomizer, TimeProvider timeProvider, CancellationToken experimentEnded = default) =>
        builder.AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
        {
            Randomizer = randomizer,
            InjectionRate = settings.FailureRate,
            OutcomeGenerator = async args =>
            {
                if (settings.DelayBeforeFault > TimeSpan.Zero)
                {
                    // Counted before the wait: a call that times out during it is a chaos effect, not an organic failure.
                    ChaosInjection.Of(args.Context)?.AddLatency(settings.DelayBeforeFault);
                    await ChaosDelay.WaitAsync(settings.DelayBeforeFault, timeProvider, experimentEnded, args.Context.CancellationToken);
                }

                return experimentEnded.IsCancellationRequested
                    ? null // The experiment is gone: no fault, the call goes to the target.
                    : Outcome.FromResult(InjectedFault.Create(experiment));
            },
            OnOutcomeInjected = args =>
            {
                ChaosInjection.Of(args.Context)?.AddFault();
                return default;
            },
        });
}
