namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>How an injected effect is marked, so callees and comparisons can tell it from an organic one.</summary>
public static class ChaosHeaders
{
    /// <summary>On the request and on the response of a call made under an experiment: its id.</summary>
    public const string Experiment = "X-Chaos-Experiment";

    /// <summary>On the response: what was injected, <see cref="Latency"/> or <see cref="Fault"/>.</summary>
    public const string Injected = "X-Chaos-Injected";

    public const string Latency = "latency";
    public const string Fault = "fault";
}
