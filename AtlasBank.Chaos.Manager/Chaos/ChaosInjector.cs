using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>What one <c>GET /chaos/inject</c> did and saw.</summary>
public sealed record InjectResult(
    string Service,
    ChaosMode Mode,
    string ExperimentId,
    string TargetUrl,
    int Attempts,
    int InjectedFaults,
    int InjectedLatencyCount,
    double InjectedLatencyMs,
    int? FinalStatus,
    double ElapsedMs,
    bool Success,
    string? Error)
{
    /// <summary>Attempts that failed without chaos injecting the failure: what the auto-disable circuit breaker watches.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public int OrganicFailures => Math.Max(0, Attempts - InjectedFaults - (Success ? 1 : 0));
}

/// <summary>
/// Calls a chaos target through its chaos strategies wrapped in <c>RetryCount</c> retries, as a resilient
/// client would, and reports what happened. An unreachable target is a reported failure, not an error.
/// </summary>
public sealed class ChaosInjector(
    IHttpClientFactory httpClientFactory,
    ChaosRandomizer randomizer,
    TimeProvider timeProvider,
    IOptions<ChaosManagerOptions> options)
{
    public const string ProbeClientName = "chaos-probe";

    private readonly ConcurrentDictionary<int, ResiliencePipeline<HttpResponseMessage>> _pipelines = new();

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
        context.Properties.Set(ChaosPipeline.ExperimentKey, experiment);
        context.Properties.Set(ChaosPipeline.InjectionKey, injection);
        var client = httpClientFactory.CreateClient(ProbeClientName);
        try
        {
            var outcome = await PipelineFor(experiment.RetryCount).ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    Interlocked.Increment(ref state.Attempts.Value);
                    using var request = new HttpRequestMessage(HttpMethod.Get, state.Target);
                    request.Options.Set(ChaosHandler.Bypass, true); // chaos is applied here, not again in the handler
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
                (Client: client, Target: target, Attempts: attempts));

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

    private ResiliencePipeline<HttpResponseMessage> PipelineFor(int retryCount) => _pipelines.GetOrAdd(retryCount, retries =>
    {
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        if (retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = retries,
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

        // Chaos inside the retries, exactly where the services' HttpClients have it.
        return builder.AddChaosStrategies(randomizer.NextDouble, timeProvider).Build();
    });

    private static string Describe(Exception exception, bool timedOut) => timedOut
        ? "The target did not answer within the inject timeout."
        : exception switch
        {
            HttpRequestException http => $"The target could not be reached: {http.Message}",
            InvalidOperationException invalid => $"The target could not be resolved: {invalid.Message}",
            _ => exception.Message,
        };
}
