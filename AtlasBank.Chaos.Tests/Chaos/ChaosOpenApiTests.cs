using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>The manager's live OpenAPI document: how to authenticate, what errors to expect, and Spectral's OAS ruleset.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosOpenApiTests(AtlasAppFixture fixture)
{
    private static readonly string[] EitherScheme = ["ApiKey", "Bearer"];

    /// <summary>The endpoints mapped with a rate-limit policy (changes and inject); reads are not limited.</summary>
    private static readonly HashSet<string> RateLimited =
    [
        "EnableChaos", "DisableChaos", "InjectChaos", "BulkEnableChaos", "BulkDisableChaos", "LiftHalt", "StartDrillRun",
        "Failback", "ReconcileStranded",
    ];

    /// <summary>Every path under these needs a key; nothing else does.</summary>
    private static readonly string[] KeyedPrefixes = ["/chaos/", "/drills", "/dr/"];

    /// <summary>The drill definitions are loaded at start: no dependency can make them answer 503.</summary>
    private static readonly HashSet<string> ServedFromMemory = ["ListDrills", "GetDrill"];

    private readonly HttpClient _anonymous = fixture.CreateManagerClient(apiKey: null);

    [Fact]
    public async Task TheDocumentDeclaresTheApiKeyHeaderAndBearerSchemes()
    {
        using var document = await GetDocumentAsync();

        var schemes = document.RootElement.GetProperty("components").GetProperty("securitySchemes");
        var apiKey = schemes.GetProperty("ApiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-Api-Key", apiKey.GetProperty("name").GetString());
        var bearer = schemes.GetProperty("Bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var info = document.RootElement.GetProperty("info");
        Assert.False(string.IsNullOrWhiteSpace(info.GetProperty("description").GetString()));
        Assert.True(info.TryGetProperty("contact", out _));
    }

    [Fact]
    public async Task EveryChaosOperationRequiresAKeyByEitherSchemeAndNothingElseDoes()
    {
        using var document = await GetDocumentAsync();

        // No document-wide requirement: what is open (health, metrics, the document itself) stays open.
        Assert.False(document.RootElement.TryGetProperty("security", out _));
        var operations = Operations(document).ToList();
        Assert.Contains(operations, operation => operation.Path.StartsWith("/chaos/", StringComparison.Ordinal));
        Assert.Contains(operations, operation => operation.Path.StartsWith("/drills", StringComparison.Ordinal));
        foreach (var (path, method, operation) in operations)
        {
            var required = operation.TryGetProperty("security", out var security)
                ? security.EnumerateArray().Select(requirement => string.Join('+', requirement.EnumerateObject().Select(scheme => scheme.Name))).ToArray()
                : [];
            Assert.True(
                IsKeyed(path) ? required.SequenceEqual(EitherScheme) : required.Length == 0,
                $"{method} {path} requires [{string.Join(", ", required)}]");
        }
    }

    [Fact]
    public async Task EveryChaosOperationDocumentsItsProblemAnswersWithRetryAfterWhereTheyCarryIt()
    {
        using var document = await GetDocumentAsync();

        foreach (var (path, method, operation) in Operations(document).Where(o => IsKeyed(o.Path)))
        {
            var name = operation.GetProperty("operationId").GetString()!;
            var responses = operation.GetProperty("responses");
            AssertProblem(responses, "401", retryAfter: false, $"{method} {path}");
            AssertProblem(responses, "403", retryAfter: false, $"{method} {path}");
            if (ServedFromMemory.Contains(name))
            {
                Assert.False(responses.TryGetProperty("503", out _), $"{method} {path} ({name}) is served from memory but documents 503");
            }
            else
            {
                AssertProblem(responses, "503", retryAfter: true, $"{method} {path}");
            }

            if (RateLimited.Contains(name))
            {
                AssertProblem(responses, "429", retryAfter: true, $"{method} {path}");
            }
            else
            {
                Assert.False(responses.TryGetProperty("429", out _), $"{method} {path} ({name}) is not rate limited but documents 429");
            }
        }
    }

    [Fact]
    public async Task TheDocumentPassesSpectralsOasRulesetWithoutErrorsOrWarnings()
    {
        using var response = await _anonymous.GetAsync("/openapi/v1.json").WaitAsync(AtlasAppFixture.RequestTimeout);
        response.EnsureSuccessStatusCode();
        var document = await response.Content.ReadAsStringAsync().WaitAsync(AtlasAppFixture.RequestTimeout);

        var findings = await SpectralLinter.LintAsync(document).WaitAsync(SpectralLinter.Timeout);

        Assert.True(findings.Count == 0, $"{findings.Count} Spectral findings:{Environment.NewLine}{string.Join(Environment.NewLine, findings)}");
    }

    /// <summary>Fetched without a key: the document is open.</summary>
    private async Task<JsonDocument> GetDocumentAsync()
    {
        using var response = await _anonymous.GetAsync("/openapi/v1.json").WaitAsync(AtlasAppFixture.RequestTimeout);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(AtlasAppFixture.RequestTimeout));
    }

    private static IEnumerable<(string Path, string Method, JsonElement Operation)> Operations(JsonDocument document) =>
        document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(method => method.Name is "get" or "put" or "post" or "delete" or "patch" or "head" or "options" or "trace")
                .Select(method => (path.Name, method.Name.ToUpperInvariant(), method.Value)));

    private static bool IsKeyed(string path) => KeyedPrefixes.Any(prefix => path.StartsWith(prefix, StringComparison.Ordinal));

    private static void AssertProblem(JsonElement responses, string status, bool retryAfter, string operation)
    {
        Assert.True(responses.TryGetProperty(status, out var response), $"{operation} does not document {status}");
        Assert.True(response.GetProperty("content").TryGetProperty("application/problem+json", out var problem),
            $"{operation} {status} is not application/problem+json");
        Assert.Equal("#/components/schemas/ProblemDetails", problem.GetProperty("schema").GetProperty("$ref").GetString());
        Assert.Equal(retryAfter, response.TryGetProperty("headers", out var headers) && headers.TryGetProperty("Retry-After", out _));
    }
}
