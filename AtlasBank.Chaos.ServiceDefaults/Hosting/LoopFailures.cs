using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;

namespace AtlasBank.Chaos.ServiceDefaults.Hosting;

/// <summary><c>background_loop_failures_total{service,loop}</c>: every fault a supervised background loop did not contain itself.</summary>
public sealed class LoopFailures
{
    private readonly Counter<long> _failures;
    private readonly string _service;

    public LoopFailures(IMeterFactory meterFactory, IHostEnvironment environment)
    {
        _service = environment.ApplicationName;
        _failures = meterFactory.Create(TelemetryNames.ChaosMeter).CreateCounter<long>("background_loop_failures_total",
            description: "Faults that escaped a background loop, by service and loop: each was logged and the loop restarted after a backoff.");
    }

    public void Add(string loop) => _failures.Add(1, new("service", _service), new("loop", loop));

    /// <summary>Starts the loop's series at zero, so increase() sees its first failure.</summary>
    public void Register(string loop) => _failures.Add(0, new("service", _service), new("loop", loop));
}
