using System.Security.Claims;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AtlasBank.Chaos.ServiceDefaults.Security;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Builds the audit record of the current request: who, what, on which service, from where.</summary>
public static class AuditRecordFactory
{
    public const int MaxBodyCharacters = 4_096;

    public static AuditRecord Record(HttpContext context, int statusCode, string? detail = null)
    {
        var user = context.User;
        var body = context.Items.TryGetValue(BodyItem, out var captured) ? captured as string : null;
        return new AuditRecord(
            KeyId: user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value,
            Role: user.FindFirst(ClaimTypes.Role)?.Value,
            Operation: context.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? $"{context.Request.Method} {context.Request.Path}",
            Service: ServiceOf(context, body),
            RequestBody: AuditRedaction.Redact(body),
            SourceAddress: context.Connection.RemoteIpAddress?.ToString(),
            StatusCode: statusCode,
            Detail: detail);
    }

    /// <summary>Keeps a copy of the request body (bounded) for the audit row; the handler still reads it.</summary>
    public static async Task CaptureBodyAsync(HttpContext context)
    {
        if (context.Request.ContentLength is 0 || HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsDelete(context.Request.Method))
        {
            return;
        }

        context.Request.EnableBuffering(bufferThreshold: 64 * 1024, bufferLimit: 1024 * 1024);
        var buffer = new char[MaxBodyCharacters];
        using (var reader = new StreamReader(context.Request.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true))
        {
            var read = await reader.ReadBlockAsync(buffer, context.RequestAborted);
            context.Items[BodyItem] = new string(buffer, 0, read);
        }

        context.Request.Body.Position = 0;
    }

    private static string? ServiceOf(HttpContext context, string? body)
    {
        if (context.Request.Query["service"].ToString() is { Length: > 0 } query)
        {
            return Truncate(query);
        }

        if (string.IsNullOrEmpty(body))
        {
            return null;
        }

        try
        {
            var services = new List<string>();
            Collect(JsonNode.Parse(body), services);
            return services.Count == 0 ? null : Truncate(string.Join(",", services));
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void Collect(JsonNode? node, List<string> services)
    {
        switch (node)
        {
            case JsonValue value when value.TryGetValue<string>(out var name):
                services.Add(name);
                break;
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (string.Equals(name, "Service", StringComparison.OrdinalIgnoreCase) && value is JsonValue v && v.TryGetValue<string>(out var service))
                    {
                        services.Add(service);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Collect(item, services);
                }

                break;
        }
    }

    private static string Truncate(string value) => value.Length <= 512 ? value : value[..512];

    private const string BodyItem = "AtlasBank.Chaos.Audit.Body";
}
