using System.Text.Json;

namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>
/// One service's active chaos, as the manager's API answers it, as stored in Redis and as cached by every
/// service. The fields are the spec's; what they mean for each mode is read through the chaos kinds.
/// </summary>
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
