using System.Net;
using System.Text;
using System.Text.Json;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Chaos;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Calls the chaos manager the way the spec's curl commands do.</summary>
public sealed class ChaosManagerClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.General);

    public HttpClient Http => http;

    /// <summary>POSTs a raw body; <paramref name="contentType"/> null sends it as curl -d does (form encoding).</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string body, string? contentType = "application/json")
    {
        var content = new StringContent(body, Encoding.UTF8, contentType ?? "application/x-www-form-urlencoded");
        return await http.PostAsync(path, content);
    }

    public async Task<ChaosExperiment> EnableAsync(string body)
    {
        using var response = await PostAsync("/chaos/enable", body);
        return await ReadAsync<ChaosExperiment>(response);
    }

    public async Task<InjectResult> InjectAsync(string service)
    {
        using var response = await http.GetAsync($"/chaos/inject?service={service}");
        return await ReadAsync<InjectResult>(response);
    }

    public async Task<ChaosList> ListAsync()
    {
        using var response = await http.GetAsync("/chaos/list");
        return await ReadAsync<ChaosList>(response);
    }

    public async Task<ChaosStatsResponse> StatsAsync()
    {
        using var response = await http.GetAsync("/chaos/stats");
        return await ReadAsync<ChaosStatsResponse>(response);
    }

    /// <summary>Leaves no chaos behind for the next test.</summary>
    public async Task DisableEverythingAsync()
    {
        var active = await ListAsync();
        if (active.Count > 0)
        {
            using var response = await PostAsync("/chaos/bulk-disable", JsonSerializer.Serialize(active.Experiments.Select(e => e.Service)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json)!;
    }
}
