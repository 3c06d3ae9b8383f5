using System.Text.Json.Serialization;

namespace AtlasBank.Chaos.Contracts.Chaos;

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
