using System.Diagnostics;
using AtlasBank.Chaos.Contracts.Chaos;
using Polly;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// Every service HttpClient's chaos: sits inside the standard resilience handler (so the caller's retries see
/// the faults) and outside service discovery (so it sees the logical host, e.g. <c>ledgerapi</c>). With no
/// experiment on the request's host it passes the request straight on.
/// </summary>
public sealed class ChaosHandler(ChaosStateCache cache, ChaosPipelineProvider pipelines, ChaosClientMetrics metrics, ChaosHealthCounters health) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var experiment = cache.MatchActive(request.RequestUri);
        return experiment is null
            ? base.SendAsync(request, cancellationToken)
            : SendUnderChaosAsync(request, experiment, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendUnderChaosAsync(HttpRequestMessage request, ActiveChaosExperiment active, CancellationToken cancellationToken)
    {
        var experiment = active.Experiment;
        // The callee (and whatever compares its answers) can tell this call ran under an experiment.
        request.Headers.TryAddWithoutValidation(ChaosHeaders.Experiment, experiment.ExperimentId);
        var injection = new ChaosInjection();
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(ChaosInjection.Key, injection);
        try
        {
            var outcome = await pipelines.For(active).ExecuteOutcomeAsync(
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
            // What auto-disable watches: failures chaos had no part in (timeouts of undelayed calls, real 5xx, refused connections).
            health.Record(experiment.Service, OrganicFailure.Is(outcome, injection));
            outcome.ThrowIfException();
            var response = outcome.Result!;
            response.RequestMessage ??= request;
            if (injection.LatencyInjections > 0 && injection.Faults == 0)
            {
                response.Headers.TryAddWithoutValidation(ChaosHeaders.Experiment, experiment.ExperimentId);
                response.Headers.TryAddWithoutValidation(ChaosHeaders.Injected, ChaosHeaders.Latency);
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

        var kind = injection.Faults > 0 ? ChaosHeaders.Fault : ChaosHeaders.Latency;
        Activity.Current?.SetTag("chaos.experiment_id", experiment.ExperimentId)
            .SetTag("chaos.service", experiment.Service)
            .SetTag("chaos.injected", kind);
        metrics.Injected(experiment, kind);
    }
}
