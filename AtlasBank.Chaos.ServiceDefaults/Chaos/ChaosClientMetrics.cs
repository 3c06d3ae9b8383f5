using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Chaos;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

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
