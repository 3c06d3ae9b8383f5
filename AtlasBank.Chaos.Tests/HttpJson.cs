using System.Text.Json;

namespace AtlasBank.Chaos.Tests;

/// <summary>Reads a successful JSON answer from any of the app's services; a failure shows its status and body.</summary>
public static class HttpJson
{
    /// <summary>Case-insensitive: the ledger answers camelCase, the chaos manager and agent PascalCase as the spec writes it.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Options)!;
    }
}
