using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Chaos;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>Calls the chaos manager the way the spec's curl commands do.</summary>
public sealed class ChaosManagerClient(HttpClient http)
{
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
        return await HttpJson.ReadAsync<ChaosExperiment>(response);
    }

    public async Task<InjectResult> InjectAsync(string service)
    {
        using var response = await http.GetAsync($"/chaos/inject?service={service}");
        return await HttpJson.ReadAsync<InjectResult>(response);
    }

    public async Task<ChaosList> ListAsync()
    {
        using var response = await http.GetAsync("/chaos/list");
        return await HttpJson.ReadAsync<ChaosList>(response);
    }

    public async Task<ChaosStatsResponse> StatsAsync()
    {
        using var response = await http.GetAsync("/chaos/stats");
        return await HttpJson.ReadAsync<ChaosStatsResponse>(response);
    }

    /// <summary>
    /// Polls the audit until <paramref name="query"/> (a <c>/chaos/audit</c> query string) answers a page that
    /// satisfies <paramref name="done"/>: only starting chaos is chained before its answer, everything else
    /// reaches the chain through the spool moments later.
    /// </summary>
    public async Task<AuditPage> WaitForAuditAsync(string query, Func<AuditPage, bool> done, string what)
    {
        AuditPage? page = null;
        await Eventually.TrueAsync(
            async () => done(page = await HttpJson.ReadAsync<AuditPage>(await http.GetAsync($"/chaos/audit?{query}"))),
            TimeSpan.FromSeconds(10),
            () => Task.FromResult($"Not within 10 s: {what}; last page: {page?.Total} rows"));
        return page!;
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

    /// <summary>Sends a raw request with any method, body and content type (null: no Content-Type header).</summary>
    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string? body, string? contentType = "application/json")
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }

        return await client.SendAsync(request);
    }
}
