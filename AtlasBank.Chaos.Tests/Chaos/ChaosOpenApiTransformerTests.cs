using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>
/// The manager's OpenAPI transformers on a throwaway app: what an operation documents follows from its endpoint's
/// metadata, so endpoints added later are covered, and open endpoints stay open.
/// </summary>
public sealed class ChaosOpenApiTransformerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task AnEndpointWithoutAuthorizationRequiresNoKeyAndDocumentsNoAuthAnswers()
    {
        var document = await DocumentForAsync(app => app.MapGet("/open", () => "ok"));

        var operation = Operation(document, "/open", HttpMethod.Get);
        Assert.True(operation.Security is null or { Count: 0 });
        Assert.False(operation.Responses!.ContainsKey("401"));
        Assert.False(operation.Responses.ContainsKey("429"));
    }

    [Fact]
    public async Task AnAllowAnonymousEndpointInAProtectedGroupRequiresNoKey()
    {
        var document = await DocumentForAsync(app => app.MapGroup("/group").RequireAuthorization().MapGet("/open", () => "ok").AllowAnonymous());

        Assert.True(Operation(document, "/group/open", HttpMethod.Get).Security is null or { Count: 0 });
    }

    [Fact]
    public async Task AnEndpointAddedLaterWithAPolicyRequiresAKeyByEitherSchemeAndDocuments401And403()
    {
        var document = await DocumentForAsync(app => app.MapGet("/new-read", () => "ok").RequireAuthorization("some-policy"));

        var operation = Operation(document, "/new-read", HttpMethod.Get);
        Assert.Equal(
            ["ApiKey", "Bearer"],
            operation.Security!.Select(requirement => Assert.Single(requirement.Keys).Reference.Id));
        Assert.True(operation.Responses!.ContainsKey("401"));
        Assert.True(operation.Responses.ContainsKey("403"));
        Assert.False(operation.Responses.ContainsKey("429"));
        Assert.Contains("ApiKey", document.Components!.SecuritySchemes!.Keys);
        Assert.Contains("Bearer", document.Components.SecuritySchemes.Keys);
    }

    [Fact]
    public async Task OnlyARateLimitedEndpointDocuments429WithRetryAfter()
    {
        var document = await DocumentForAsync(app =>
        {
            app.MapPost("/limited", () => "ok").RequireAuthorization().RequireRateLimiting("some-limit");
            app.MapPost("/unlimited", () => "ok").RequireAuthorization();
        });

        var limited = Assert.Contains("429", (IDictionary<string, IOpenApiResponse>)Operation(document, "/limited", HttpMethod.Post).Responses!);
        Assert.Contains("Retry-After", limited.Headers!.Keys);
        Assert.Contains("application/problem+json", limited.Content!.Keys);
        Assert.False(Operation(document, "/unlimited", HttpMethod.Post).Responses!.ContainsKey("429"));
    }

    private static async Task<OpenApiDocument> DocumentForAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddChaosManagerOpenApi();
        await using var app = builder.Build();
        map(app);

        // Endpoints reach the API explorer when the pipeline is built, which starting the app does.
        await app.StartAsync().WaitAsync(Timeout);
        try
        {
            var provider = app.Services.GetRequiredKeyedService<IOpenApiDocumentProvider>("v1");
            return await provider.GetOpenApiDocumentAsync(CancellationToken.None).WaitAsync(Timeout);
        }
        finally
        {
            await app.StopAsync().WaitAsync(Timeout);
        }
    }

    private static OpenApiOperation Operation(OpenApiDocument document, string path, HttpMethod method) =>
        Assert.Contains(method, (IDictionary<HttpMethod, OpenApiOperation>)Assert.Contains(path, (IDictionary<string, IOpenApiPathItem>)document.Paths).Operations!);
}
