using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// Every HttpClient's chaos: sits inside the standard resilience handler (so the caller's retries see the
/// faults) and outside service discovery (so it sees the logical host, e.g. <c>ledgerapi</c>). With no
/// experiment on the request's host it passes the request straight on.
/// </summary>
public sealed class ChaosHandler(ChaosStateCache cache, ChaosPipelineProvider pipelines, ChaosClientMetrics metrics, ChaosHealthCounters health) : DelegatingHandler
{
    /// <summary>Set on a request that applies chaos itself (the manager's inject probe), so it is not applied twice.</summary>
    public static readonly HttpRequestOptionsKey<bool> Bypass = new("AtlasBank.Chaos.Bypass");

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var experiment = cache.Match(request.RequestUri);
        if (experiment is null || (request.Options.TryGetValue(Bypass, out var bypass) && bypass))
        {
            return base.SendAsync(request, cancellationToken);
        }

        return SendUnderChaosAsync(request, experiment, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendUnderChaosAsync(HttpRequestMessage request, ChaosExperiment experiment, CancellationToken cancellationToken)
    {
        // The callee (and whatever compares its answers) can tell this call ran under an experiment.
        request.Headers.TryAddWithoutValidation(ChaosPipeline.ExperimentHeader, experiment.ExperimentId);
        var injection = new ChaosInjection();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ChaosPipeline.ExperimentKey, experiment);
        context.Properties.Set(ChaosPipeline.InjectionKey, injection);
        try
        {
            var outcome = await pipelines.Pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Handler.SendInnerAsync(state.Request, ctx.CancellationToken));
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Handler: this, Request: request));

            Record(experiment, injection);
            // What auto-disable watches: failures chaos did not inject itself (timeouts, real 5xx, refused connections).
            health.Record(experiment.Service, injection.Faults == 0
                && (outcome.Exception is not null || (int)outcome.Result!.StatusCode >= 500));
            outcome.ThrowIfException();
            var response = outcome.Result!;
            response.RequestMessage ??= request;
            if (injection.LatencyInjections > 0 && injection.Faults == 0)
            {
                response.Headers.TryAddWithoutValidation(ChaosPipeline.ExperimentHeader, experiment.ExperimentId);
                response.Headers.TryAddWithoutValidation(ChaosPipeline.InjectedHeader, "latency");
            }

            return response;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private void Record(ChaosExperiment experiment, ChaosInjection injection)
    {
        if (!injection.Any)
        {
            return;
        }

        var kind = injection.Faults > 0 ? "fault" : "latency";
        Activity.Current?.SetTag("chaos.experiment_id", experiment.ExperimentId)
            .SetTag("chaos.service", experiment.Service)
            .SetTag("chaos.injected", kind);
        metrics.Injected(experiment, kind);
    }
}

/// <summary>Faults and delays injected into this process's outgoing calls.</summary>
public sealed class ChaosClientMetrics
{
    private readonly Counter<long> _injected;

    public ChaosClientMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(TelemetryNames.ChaosMeter);
        _injected = meter.CreateCounter<long>("chaos_client_injected_total", description: "Calls of this process that chaos delayed or failed.");
    }

    public void Injected(ChaosExperiment experiment, string kind) =>
        _injected.Add(1, new KeyValuePair<string, object?>("service", experiment.Service), new KeyValuePair<string, object?>("kind", kind));
}

/// <summary>The one chaos pipeline of this process, built with its <see cref="TimeProvider"/> and randomizer.</summary>
public sealed class ChaosPipelineProvider(TimeProvider timeProvider, ChaosRandomizer randomizer)
{
    public ResiliencePipeline<HttpResponseMessage> Pipeline { get; } =
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider }
            .AddChaosStrategies(randomizer.NextDouble, timeProvider)
            .Build();
}
