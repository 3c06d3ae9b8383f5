using System.Text.Json;
using System.Text.Json.Serialization;
using AtlasBank.Chaos.ServiceDefaults.Errors;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>
/// Reads a JSON request body whatever its Content-Type says: the spec's GitHub Actions example posts JSON with
/// curl's default form encoding, and it must work. Strict about the JSON itself: unknown or duplicate
/// fields, wrong types and oversized bodies are all 4xx answers that name the problem.
/// </summary>
public static class JsonBody
{
    public const int DefaultMaxBytes = 64 * 1024;

    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.General)
    {
        PropertyNameCaseInsensitive = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowDuplicateProperties = false,
        MaxDepth = 8,
    };

    /// <summary>Read as JSON: curl's default form encoding included, so the spec's examples work as written.</summary>
    public static readonly string[] ContentTypes =
        ["application/json", "text/json", "text/plain", "application/x-www-form-urlencoded"];

    public sealed record Result<T>(T? Value, ProblemHttpResult? Problem)
    {
        public bool IsValid => Problem is null;
    }

    public static async Task<Result<T>> ReadAsync<T>(HttpRequest request, int maxBytes = DefaultMaxBytes)
    {
        if (request.ContentType is { Length: > 0 } contentType && !IsAccepted(contentType))
        {
            return new(default, TypedResults.Problem(
                statusCode: StatusCodes.Status415UnsupportedMediaType,
                title: "Unsupported content type.",
                detail: $"Send the body as JSON (application/json); '{contentType}' is not read."));
        }

        if (request.ContentLength > maxBytes)
        {
            return new(default, TooLarge(maxBytes));
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return new(default, TooLarge(maxBytes));
            }

            buffer.Write(chunk, 0, read);
        }

        if (buffer.Length == 0)
        {
            return new(default, Invalid("body", "A JSON body is required."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Options);
            return value is null ? new(default, Invalid("body", "A JSON body is required, not null.")) : new(value, null);
        }
        catch (JsonException ex)
        {
            var field = BadRequestExceptionHandler.FieldName(ex.Path);
            var message = ex.Message.Contains("could not be mapped", StringComparison.Ordinal)
                ? "Unknown field."
                : ex.Message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase)
                    ? "The field appears more than once."
                    : "Invalid or malformed value for this field.";
            return new(default, Invalid(field, message));
        }
    }

    private static bool IsAccepted(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var parsed)
        && (ContentTypes.Contains(parsed.MediaType.Value, StringComparer.OrdinalIgnoreCase)
            || parsed.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    /// <summary>A ValidationProblem body (400 with <c>errors</c>), typed as the one problem result callers pass on.</summary>
    private static ProblemHttpResult Invalid(string field, string message) =>
        TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        });

    private static ProblemHttpResult TooLarge(int maxBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "Request body too large.",
        detail: $"The body may hold at most {maxBytes} bytes.");
}
