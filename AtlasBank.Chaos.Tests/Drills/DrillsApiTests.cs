using System.Net;
using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Drills;

/// <summary>The drill definitions over HTTP, against the real manager.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class DrillsApiTests(AtlasAppFixture fixture)
{
    [Fact]
    public async Task GetDrillsListsTheSevenBuiltInsAndTheOperatorsFolderByName()
    {
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);

        var drills = await HttpJson.ReadAsync<JsonElement>(await viewer.GetAsync("/drills").WaitAsync(AtlasAppFixture.RequestTimeout));

        var operators = Directory.GetFiles(AtlasAppFixture.TestDrillsFolder, "*.json").Select(Path.GetFileNameWithoutExtension);
        Assert.Equal(BuiltInDrillTests.BuiltInNames.Concat(operators).Order(StringComparer.Ordinal), drills.EnumerateArray().Select(drill => drill.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task GetDrillByNameAnswersTheDefinitionWithItsKinds()
    {
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);

        var drill = await HttpJson.ReadAsync<JsonElement>(await viewer.GetAsync("/drills/latency-spike").WaitAsync(AtlasAppFixture.RequestTimeout));

        Assert.Equal("latency-spike", drill.GetProperty("Name").GetString());
        Assert.Equal("ledger", drill.GetProperty("Target").GetString());
        var enable = drill.GetProperty("Method").EnumerateArray().Single(step => step.GetProperty("Kind").GetString() == "enable");
        Assert.Equal(2000, enable.GetProperty("Body").GetProperty("DelayMs").GetInt32());
        Assert.Contains(drill.GetProperty("Hypothesis").GetProperty("Probes").EnumerateArray(), probe => probe.GetProperty("Kind").GetString() == "invariants");
    }

    [Fact]
    public async Task AnUnknownDrillIs404ProblemDetails()
    {
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);

        using var response = await viewer.GetAsync("/drills/nope").WaitAsync(AtlasAppFixture.RequestTimeout);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'nope'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/drills")]
    [InlineData("/drills/nightly")]
    public async Task WithoutAKeyTheDrillsAre401AndAViewerKeyReadsThem(string path)
    {
        using var anonymous = fixture.CreateManagerClient(apiKey: null);
        using var viewer = fixture.CreateManagerClient(AtlasAppFixture.ViewerKey);

        using var refused = await anonymous.GetAsync(path).WaitAsync(AtlasAppFixture.RequestTimeout);
        using var read = await viewer.GetAsync(path).WaitAsync(AtlasAppFixture.RequestTimeout);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
    }
}
