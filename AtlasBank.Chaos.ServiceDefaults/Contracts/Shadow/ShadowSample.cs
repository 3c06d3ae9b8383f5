using System.Text.Json;

namespace AtlasBank.Chaos.Contracts.Shadow;

/// <summary>
/// One request the primary ledger served, captured for replay against DR: what was asked, what the primary
/// answered, and the primary's WAL position when the sample was published (DR must have replicated at least
/// that far before its answer can be expected to match).
/// </summary>
public sealed record ShadowSample(
    string Id,
    string Method,
    string PathAndQuery,
    int Status,
    string? ContentType,
    string Body,
    bool BodyTruncated,
    double PrimaryLatencyMs,
    DateTimeOffset SampledAt,
    string? ChaosExperimentId,
    string? PrimaryLsn)
{
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.General);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static ShadowSample? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<ShadowSample>(json, JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
