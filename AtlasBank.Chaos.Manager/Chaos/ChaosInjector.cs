using System.Diagnostics;
using System.Runtime.CompilerServices;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>
/// Calls a chaos target through its chaos strategies wrapped in <c>RetryCount</c> retries, as a resilient
/// client would, and reports what happened. An unreachable target is a reported failure, not an error.
/// </summary>
public sealed class ChaosInjector(
    ChaosProbeClient probe,
    ChaosRandomizer randomizer,
    TimeProvider timeProvider,
    IOptions<ChaosManagerOptions> options)
{
    /// <summary>The probe's target: the experiment's TargetUrl, else the service's <c>/health</c> via service discovery.</summary>
    public static string TargetOf(ChaosExperiment experiment) =>
        experiment.TargetUrl ?? $"http://{ChaosTargets.ApiName(experiment.Service)}/health";

    public async Task<InjectResult> InjectAsync(ChaosExperiment experiment, CancellationToken cancellationToken)
    {
        var target = TargetOf(experiment);
        var injection = new ChaosInjection();
        var attempts = new StrongBox<int>(0);
        var stopwatch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.InjectTimeout);

        var context = ResilienceContextPool.Shared.Get(timeout.Token);
        context.Properties.Set(ChaosInjection.Key, injection);
        try
        {
            var outcome = await PipelineFor(experiment).ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    Interlocked.Increment(ref state.Attempts.Value);
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.Target);
                    try
                    {
                        return Outcome.FromResult(await state.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken));
                    }
                    catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or OperationCanceledException)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                (Client: probe.Http, Target: target, Attempts: attempts));

            using var response = outcome.Result;
            var status = (int?)response?.StatusCode;
            var error = outcome.Exception is { } ex ? Describe(ex, timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested) : null;
            return new InjectResult(
                experiment.Service, experiment.Mode, experiment.ExperimentId, target, attempts.Value + injection.Faults, // injected faults never reach the target
                injection.Faults, injection.LatencyInjections, injection.Latency.TotalMilliseconds,
                status, stopwatch.Elapsed.TotalMilliseconds, response?.IsSuccessStatusCode == true, error);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>Retries outside, the experiment's chaos inside: exactly where the services' HttpClients have it.</summary>
    private ResiliencePipeline<HttpResponseMessage> PipelineFor(ChaosExperiment experiment)
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (experiment.RetryCount > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = experiment.RetryCount,
                Delay = options.Value.InjectRetryDelay,
                BackoffType = DelayBackoffType.Constant,
                UseJitter = false,
                ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)),
                OnRetry = args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        return builder.AddChaos(experiment, randomizer.NextDouble, timeProvider).Build();
    }

    private static string Describe(Exception exception, bool timedOut) => timedOut
        ? "The target did not answer within the inject timeout."
        : exception switch
        {
            // No socket details: what an error says about the manager's network is nobody else's business.
            HttpRequestException => "The target could not be reached.",
            InvalidOperationException => "The target could not be resolved.",
            _ => "The target could not be reached.",
        };
}
