using System.Text.Json;
using System.Text.Json.Serialization;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

[JsonConverter(typeof(JsonStringEnumConverter<ChaosMode>))]
public enum ChaosMode
{
    /// <summary>Every call to the service is delayed by <c>DelayMs</c>.</summary>
    [JsonStringEnumMemberName("latency")]
    Latency,

    /// <summary>Each call fails with probability <c>FailureRate</c> (HTTP 503), after <c>DelayMs</c> when set.</summary>
    [JsonStringEnumMemberName("failure")]
    Failure,
}

/// <summary>One service's active chaos, as stored in Redis and cached by every service.</summary>
/// <param name="Service">The chaos target's name, e.g. <c>ledger</c>.</param>
/// <param name="ExperimentId">Tags every injected effect, so other components can tell it from an organic one.</param>
/// <param name="ExpiresAt">The lease: after it nothing is injected, whatever Redis still holds.</param>
public sealed record ChaosExperiment(
    string Service,
    ChaosMode Mode,
    double FailureRate,
    int DelayMs,
    int RetryCount,
    string? TargetUrl,
    string ExperimentId,
    DateTimeOffset EnabledAt,
    DateTimeOffset ExpiresAt)
{
    /// <summary>PascalCase, as the spec writes its fields; one form for Redis and for the API.</summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ChaosExperiment? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ChaosExperiment>(json, JsonOptions);
        }
        catch (JsonException)
        {
            // A damaged entry must never turn into chaos: treat it as absent.
            return null;
        }
    }

    public bool IsActiveAt(DateTimeOffset now) => ExpiresAt > now;
}
