using System.Net;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <summary>The inject probe calls only known targets: no SSRF through <c>TargetUrl</c>.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ChaosTargetAllowlistTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    public static TheoryData<string> RefusedTargets => new()
    {
        "http://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:22/",
        "http://[::1]:5951/chaos/list",
        "http://10.0.0.1/",
        "http://192.168.1.1/admin",
        "http://unknown-service/health",
    };

    [Theory]
    [MemberData(nameof(RefusedTargets))]
    public async Task ATargetOutsideTheKnownServicesIsRefusedNamingTargetUrlAndEnablesNothing(string target)
    {
        using var response = await Admin.PostAsync("/chaos/enable", $$"""{"Service":"ledger","Mode":"latency","DelayMs":5,"TargetUrl":"{{target}}"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"TargetUrl\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, (await Admin.ListAsync()).Count);
    }

    [Fact]
    public async Task AKnownServiceIsAccepted()
    {
        var experiment = await Admin.EnableAsync("""{"Service":"ledger","Mode":"latency","DelayMs":5,"TargetUrl":"http://ledgerapi:6181/health"}""");

        Assert.Equal("http://ledgerapi:6181/health", experiment.TargetUrl);
    }

    [Fact]
    public async Task AnUnreachableTargetsErrorSaysNothingOfTheSocket()
    {
        await Admin.EnableAsync("""{"Service":"payments","Mode":"failure","FailureRate":0.0,"TargetUrl":"http://localhost:1/health"}""");

        var result = await Admin.InjectAsync("payments");

        Assert.Equal("The target could not be reached.", result.Error);
    }
}
