using System.Net;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The agent's API serves account data: it takes the manager's keys and roles; health and metrics stay open.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class AgentApiKeyTests(AtlasAppFixture fixture)
{
    public static TheoryData<string?, HttpStatusCode> Identities => new()
    {
        { null, HttpStatusCode.Unauthorized },
        { "not-a-real-key", HttpStatusCode.Unauthorized },
        { AtlasAppFixture.ViewerKey, HttpStatusCode.OK },
        { AtlasAppFixture.OperatorKey, HttpStatusCode.OK },
        { AtlasAppFixture.AdminKey, HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public async Task TheShadowApiAnswersEachIdentityAsTheManagersKeysSay(string? key, HttpStatusCode expected)
    {
        using var agent = Client(key);

        foreach (var path in new[] { "/shadow/stats", "/shadow/comparisons?limit=1", "/shadow/drift?limit=1" })
        {
            using var response = await agent.GetAsync(path);
            Assert.True(response.StatusCode == expected, $"{path}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task HealthAndMetricsStayOpen()
    {
        using var anonymous = Client(null);

        foreach (var path in new[] { "/health", "/alive", "/metrics" })
        {
            using var response = await anonymous.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode}");
        }
    }

    private HttpClient Client(string? key)
    {
        var client = fixture.App.CreateHttpClient("chaos-agent");
        client.Timeout = AtlasAppFixture.RequestTimeout;
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }

        return client;
    }
}
