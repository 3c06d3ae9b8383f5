using System.Runtime.CompilerServices;
using AtlasBank.Chaos.Contracts.Chaos;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// The chaos pipeline of each active experiment, built once per experiment with this process's
/// <see cref="TimeProvider"/> and randomizer, and dropped with the experiment when the cache lets go of it.
/// </summary>
public sealed class ChaosPipelineProvider
{
    private readonly ConditionalWeakTable<ChaosExperiment, ResiliencePipeline<HttpResponseMessage>> _pipelines = [];
    private readonly ConditionalWeakTable<ChaosExperiment, ResiliencePipeline<HttpResponseMessage>>.CreateValueCallback _build;

    public ChaosPipelineProvider(TimeProvider timeProvider, ChaosRandomizer randomizer) =>
        _build = experiment => new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddChaos(experiment, randomizer.NextDouble, timeProvider)
            .Build();

    public ResiliencePipeline<HttpResponseMessage> For(ChaosExperiment experiment) => _pipelines.GetValue(experiment, _build);
}
