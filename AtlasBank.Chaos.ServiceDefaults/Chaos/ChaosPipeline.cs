using System.Net;
using System.Net.Http.Headers;
using Polly;
using Polly.Simmy;
using Polly.Simmy.Latency;
using Polly.Simmy.Outcomes;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>What the chaos strategies did to one call (across its retries).</summary>
public sealed class ChaosInjection
{
    private int _faults;
    private long _latencyTicks;
    private int _latencyCount;

    public int Faults => _faults;

    public int LatencyInjections => _latencyCount;

    public TimeSpan Latency => TimeSpan.FromTicks(Interlocked.Read(ref _latencyTicks));

    public bool Any => _faults > 0 || _latencyCount > 0;

    internal void AddFault() => Interlocked.Increment(ref _faults);

    internal void AddLatency(TimeSpan latency)
    {
        Interlocked.Increment(ref _latencyCount);
        Interlocked.Add(ref _latencyTicks, latency.Ticks);
    }
}

/// <summary>
/// The Polly chaos strategies behind every chaos target: latency (<see cref="ChaosMode.Latency"/>) and an
/// injected HTTP 503 outcome (<see cref="ChaosMode.Failure"/>). They read the experiment from the
/// <see cref="ResilienceContext"/>, so one pipeline serves every target.
/// </summary>
public static class ChaosPipeline
{
    public const string ExperimentHeader = "X-Chaos-Experiment";
    public const string InjectedHeader = "X-Chaos-Injected";

    public static readonly ResiliencePropertyKey<ChaosExperiment> ExperimentKey = new("AtlasBank.Chaos.Experiment");
    public static readonly ResiliencePropertyKey<ChaosInjection> InjectionKey = new("AtlasBank.Chaos.Injection");

    public static ResiliencePipelineBuilder<HttpResponseMessage> AddChaosStrategies(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder, Func<double> randomizer, TimeProvider timeProvider)
    {
        builder.AddChaosLatency(new ChaosLatencyStrategyOptions
        {
            Randomizer = randomizer,
            InjectionRate = 1.0,
            EnabledGenerator = args => ValueTask.FromResult(
                ExperimentOf(args.Context) is { Mode: ChaosMode.Latency, DelayMs: > 0 }),
            LatencyGenerator = args => ValueTask.FromResult(TimeSpan.FromMilliseconds(ExperimentOf(args.Context)!.DelayMs)),
            OnLatencyInjected = args =>
            {
                InjectionOf(args.Context)?.AddLatency(args.Latency);
                return default;
            },
        });

        builder.AddChaosOutcome(new ChaosOutcomeStrategyOptions<HttpResponseMessage>
        {
            Randomizer = randomizer,
            EnabledGenerator = args => ValueTask.FromResult(ExperimentOf(args.Context) is { Mode: ChaosMode.Failure }),
            InjectionRateGenerator = args => ValueTask.FromResult(ExperimentOf(args.Context)!.FailureRate),
            OutcomeGenerator = async args =>
            {
                var experiment = ExperimentOf(args.Context)!;
                if (experiment.DelayMs > 0)
                {
                    // "after DelayMs when set": a slow failure, as a struggling dependency gives.
                    var delay = TimeSpan.FromMilliseconds(experiment.DelayMs);
                    await Task.Delay(delay, timeProvider, args.Context.CancellationToken);
                    InjectionOf(args.Context)?.AddLatency(delay);
                }

                return Outcome.FromResult(CreateInjectedFault(experiment));
            },
            OnOutcomeInjected = args =>
            {
                InjectionOf(args.Context)?.AddFault();
                return default;
            },
        });

        return builder;
    }

    /// <summary>The fault: a 503 a real overloaded service would give, marked so nobody mistakes it for one.</summary>
    public static HttpResponseMessage CreateInjectedFault(ChaosExperiment experiment)
    {
        var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable)
        {
            ReasonPhrase = "Chaos fault injected",
            Content = new StringContent(
                $$"""{"title":"Chaos fault injected.","status":503,"detail":"Experiment {{experiment.ExperimentId}} on service '{{experiment.Service}}' failed this call on purpose."}""",
                System.Text.Encoding.UTF8,
                new MediaTypeHeaderValue("application/problem+json")),
        };
        response.Headers.Add(ExperimentHeader, experiment.ExperimentId);
        response.Headers.Add(InjectedHeader, "fault");
        return response;
    }

    private static ChaosExperiment? ExperimentOf(ResilienceContext context) =>
        context.Properties.TryGetValue(ExperimentKey, out var experiment) ? experiment : null;

    private static ChaosInjection? InjectionOf(ResilienceContext context) =>
        context.Properties.TryGetValue(InjectionKey, out var injection) ? injection : null;
}

/// <summary>Where chaos gets its coin flips; tests replace it to make injection deterministic.</summary>
public sealed class ChaosRandomizer(Func<double> nextDouble)
{
    public static readonly ChaosRandomizer Shared = new(Random.Shared.NextDouble);

    public Func<double> NextDouble { get; } = nextDouble;
}
