using System.Net.Http.Json;
using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>The AppHost's real Prometheus, through its HTTP API, as Grafana and an SRE's curl use it.</summary>
public sealed class PrometheusClient(HttpClient http) : IDisposable
{
    public sealed record Target(string Job, string Replica, string ScrapeUrl, string Health, string LastError);

    public sealed record QueryResult(string Status, string? Error, int Series);

    public sealed record Alert(string Name, string State, IReadOnlyDictionary<string, string> Labels);

    public async Task<IReadOnlyList<Target>> ActiveTargetsAsync()
    {
        using var document = await GetAsync("/api/v1/targets?state=active");
        return [.. document.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().Select(target => new Target(
            target.GetProperty("labels").GetProperty("job").GetString()!,
            target.GetProperty("labels").TryGetProperty("replica", out var replica) ? replica.GetString()! : string.Empty,
            target.GetProperty("scrapeUrl").GetString()!,
            target.GetProperty("health").GetString()!,
            target.GetProperty("lastError").GetString() ?? string.Empty))];
    }

    /// <summary>An instant query; <see cref="QueryResult.Series"/> counts the series (or 1 for a scalar) it returned.</summary>
    public async Task<QueryResult> QueryAsync(string expression)
    {
        using var response = await http.GetAsync("/api/v1/query?query=" + Uri.EscapeDataString(expression));
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = document.RootElement;
        var status = root.GetProperty("status").GetString()!;
        if (status != "success")
        {
            return new QueryResult(status, root.TryGetProperty("error", out var error) ? error.GetString() : null, 0);
        }

        var result = root.GetProperty("data").GetProperty("result");
        return new QueryResult(status, null, result.ValueKind == JsonValueKind.Array ? result.GetArrayLength() : 1);
    }

    public async Task<IReadOnlyList<string>> RuleNamesAsync()
    {
        using var document = await GetAsync("/api/v1/rules");
        return [.. document.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(group => group.GetProperty("rules").EnumerateArray())
            .Select(rule => rule.GetProperty("name").GetString()!)];
    }

    public async Task<IReadOnlyList<Alert>> AlertsAsync()
    {
        using var document = await GetAsync("/api/v1/alerts");
        return [.. document.RootElement.GetProperty("data").GetProperty("alerts").EnumerateArray().Select(alert =>
        {
            var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString()!);
            return new Alert(labels["alertname"], alert.GetProperty("state").GetString()!, labels);
        })];
    }

    public void Dispose() => http.Dispose();

    private async Task<JsonDocument> GetAsync(string path)
    {
        using var response = await http.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonDocument>() ?? throw new InvalidOperationException($"{path}: empty body");
    }
}
