using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.ServiceDefaults.Errors;

/// <summary>
/// Turns request-binding failures (malformed JSON, a field of the wrong type, a wrong content type) into
/// ProblemDetails that name the bad field, instead of an empty 400 or a 500.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        httpContext.Response.StatusCode = badRequest.StatusCode;
        ProblemDetails problem = FindJsonError(badRequest) is { } json
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]>
            {
                [FieldName(json.Path)] = [JsonErrorMessage(json)],
            })
            {
                Status = badRequest.StatusCode,
                Title = "The request body is not valid JSON for this endpoint.",
            }
            : new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "The request could not be read.",
                Detail = badRequest.Message,
            };

        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static JsonException? FindJsonError(Exception exception)
    {
        for (var current = exception.InnerException; current is not null; current = current.InnerException)
        {
            if (current is JsonException json)
            {
                return json;
            }
        }

        return null;
    }

    /// <summary>"$.amount" → "amount"; "$" or nothing → "body".</summary>
    public static string FieldName(string? jsonPath)
    {
        var trimmed = (jsonPath ?? string.Empty).TrimStart('$').TrimStart('.');
        return trimmed.Length == 0 ? "body" : trimmed;
    }

    // The serializer's message can quote type names of our DTOs; the path and position are what a caller needs.
    private static string JsonErrorMessage(JsonException json) =>
        json.LineNumber is { } line
            ? $"Invalid or malformed value (line {line + 1}, position {json.BytePositionInLine + 1})."
            : "Invalid or malformed value.";
}
