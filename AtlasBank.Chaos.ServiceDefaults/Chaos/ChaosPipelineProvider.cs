using System.Runtime.CompilerServices;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// The chaos pipeline of each active experiment, built once per experiment with this process's
/// <see cref="TimeProvider"/> and randomizer and bound to the experiment's end (its delays stop when it does), and
/// dropped with the experiment when the cache lets go of it.
/// </summary>
public sealed class ChaosPipelineProvider
{
    private readonly ConditionalWeakTable<ActiveChaosExperiment, ResiliencePipeline<HttpResponseMessage>> _pipelines = [];
    private readonly ConditionalWeakTable<ActiveChaosExperiment, ResiliencePipeline<HttpResponseMessage>>.CreateValueCallback _build;

    public ChaosPipelineProvider(TimeProvider timeProvider, ChaosRandomizer randomizer) =>
        _build = active => new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddChaos(active.Experiment, randomizer.NextDouble, timeProvider, active.Ended)
            .Build();

    public ResiliencePipeline<HttpResponseMessage> For(ActiveChaosExperiment experiment) => _pipelines.GetValue(experiment, _build);
}
