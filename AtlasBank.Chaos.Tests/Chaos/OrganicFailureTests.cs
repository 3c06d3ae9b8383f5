using System.Diagnostics.Metrics;
using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>What auto-disable is fed: failures chaos had no part in, and never the effects of a deliberate delay.</summary>
public sealed class OrganicFailureTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly Uri Target = new("http://ledgerapi/health");
    private readonly FakeTimeProvider _time = new(ChaosTestData.Start);
    private readonly ChaosHealthCounters _health = new();

    [Fact]
    public async Task ALatencyLongerThanTheCallersAttemptTimeoutIsNotCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub();
        await using var services = StandardClientServices(ChaosTestData.Experiment("ledger", ChaosMode.Latency, failureRate: 0, delayMs: 60_000), target);
        using var client = services.GetRequiredService<IHttpClientFactory>().CreateClient("ledger");

        var call = client.GetAsync(Target);
        // Two attempts of 10 s each (the attempt timeout fires inside the 60 s injected delay), on the fake clock.
        for (var second = 0; second < 60 && !call.IsCompleted; second++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => call.WaitAsync(Bound));
        Assert.Equal(0, target.Calls);
        Assert.Equal((2L, 0L), _health.CountOf("ledger"));
    }

    [Fact]
    public async Task ACallerTimingOutDuringAFailureExperimentsDelayBeforeTheFaultIsNotCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub();
        using var client = BareClient(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0, delayMs: 60_000), target);
        using var attemptTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);

        var call = client.GetAsync(Target, attemptTimeout.Token);
        _time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        Assert.Equal(0, target.Calls);
        Assert.Equal((1L, 0L), _health.CountOf("ledger"));
    }

    [Fact]
    public async Task ATargetThatAnswers500UnderChaosIsCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub { Status = HttpStatusCode.InternalServerError };
        using var client = BareClient(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 0.0), target);

        using var response = await client.GetAsync(Target).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal((1L, 1L), _health.CountOf("ledger"));
    }

    [Fact]
    public async Task ATargetThatRefusesTheConnectionAfterAnInjectedDelayIsStillCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub { Failure = new HttpRequestException("Connection refused") };
        using var client = BareClient(ChaosTestData.Experiment("ledger", ChaosMode.Latency, failureRate: 0, delayMs: 100), target);

        var call = client.GetAsync(Target);
        _time.Advance(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<HttpRequestException>(() => call.WaitAsync(Bound));
        Assert.Equal(1, target.Calls);
        Assert.Equal((1L, 1L), _health.CountOf("ledger"));
    }

    [Fact]
    public async Task ACallerTimingOutOnATargetChaosDidNotDelayIsCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub { Hang = true };
        using var client = BareClient(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 0.0), target);
        using var attemptTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _time);

        var call = client.GetAsync(Target, attemptTimeout.Token);
        _time.Advance(TimeSpan.FromSeconds(10));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Bound));
        Assert.Equal((1L, 1L), _health.CountOf("ledger"));
    }

    [Fact]
    public async Task AnInjectedFaultIsNeverCountedAsAnOrganicFailure()
    {
        using var target = new ChaosTargetStub();
        using var client = BareClient(ChaosTestData.Experiment("ledger", ChaosMode.Failure, failureRate: 1.0), target);

        using var response = await client.GetAsync(Target).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal((1L, 0L), _health.CountOf("ledger"));
    }

    /// <summary>The chaos handler alone over the target: one call, one attempt.</summary>
    private HttpClient BareClient(ChaosExperiment experiment, ChaosTargetStub target)
    {
        var meters = new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>();
        var handler = new ChaosHandler(ChaosTestData.Cache(_time, null, experiment), new ChaosPipelineProvider(_time, new ChaosRandomizer(() => 0.5)),
            new ChaosClientMetrics(meters), _health) { InnerHandler = target };
        return new HttpClient(handler);
    }

    /// <summary>As every service has it: the standard resilience handler (attempt timeout 10 s, one retry) around the chaos handler, on the fake clock.</summary>
    private ServiceProvider StandardClientServices(ChaosExperiment experiment, ChaosTargetStub target)
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_time);
        services.AddSingleton(new ChaosRandomizer(() => 0.5));
        services.AddSingleton(_health);
        services.AddChaosInjection();
        services.AddSingleton(ChaosTestData.Cache(_time, null, experiment));
        services.AddHttpClient("ledger")
            .AddStandardResilienceHandler(options =>
            {
                options.AttemptTimeout.Timeout = TimeSpan.FromSeconds(10);
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                options.Retry.MaxRetryAttempts = 1;
                options.Retry.Delay = TimeSpan.Zero;
            }).Services
            .AddHttpClient("ledger").AddChaosHandler()
            .ConfigurePrimaryHttpMessageHandler(() => target);
        return services.BuildServiceProvider();
    }
}
