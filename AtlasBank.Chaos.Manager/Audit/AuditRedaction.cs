using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Secrets never reach the audit: key-like fields and URL credentials are masked.</summary>
public static partial class AuditRedaction
{
    public static string? Redact(string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return body;
        }

        try
        {
            var node = JsonNode.Parse(body);
            RedactNode(node);
            return node?.ToJsonString();
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON we can walk (malformed, duplicate keys): keep the text, still without URL credentials.
            return UrlCredentials().Replace(body, "$1***@");
        }
    }

    private static void RedactNode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj.ToList())
                {
                    if (SecretName().IsMatch(name))
                    {
                        obj[name] = "***";
                    }
                    else if (value is JsonValue leaf && leaf.TryGetValue<string>(out var text))
                    {
                        obj[name] = UrlCredentials().Replace(text, "$1***@");
                    }
                    else
                    {
                        RedactNode(value);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    RedactNode(item);
                }

                break;
        }
    }

    [GeneratedRegex("(key|token|secret|password|authorization)", RegexOptions.IgnoreCase)]
    private static partial Regex SecretName();

    [GeneratedRegex("(https?://)[^/@\\s]+@", RegexOptions.IgnoreCase)]
    private static partial Regex UrlCredentials();
}
