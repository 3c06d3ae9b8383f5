using AtlasBank.LedgerDr.Shadow;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace AtlasBank.Chaos.Tests.Shadow;

public sealed class ShadowTargetTests
{
    private static readonly RouteEndpoint Accounts = new(
        _ => Task.CompletedTask, RoutePatternFactory.Parse("/accounts/{id}"), 0, EndpointMetadataCollection.Empty, "accounts");

    [Theory]
    [InlineData("//127.0.0.1:1/x", "//127.0.0.1:1/x")]
    [InlineData("/%2F%2F127.0.0.1:1/x", "/%2F%2F127.0.0.1:1/x")]
    [InlineData("/accounts%2f..%2F..%2F127.0.0.1", "/accounts%2f..%2F..%2F127.0.0.1")]
    [InlineData("/%5C%5C127.0.0.1/x", @"/\\127.0.0.1/x")]
    [InlineData("http://127.0.0.1:1/accounts/1", "/accounts/1")]
    [InlineData(@"\\127.0.0.1\x", @"\\127.0.0.1\x")]
    public void ATargetThatCouldNameAnotherHostIsNeverSampledEvenWhenRouted(string rawTarget, string path) =>
        Assert.False(ShadowTarget.IsSafe(rawTarget, path, Accounts));

    [Fact]
    public void ARequestThatMatchedNoRouteIsNeverSampled()
    {
        Assert.False(ShadowTarget.IsSafe("/x", "/x", null));
        Assert.False(ShadowTarget.IsSafe("/x", "/x", new Endpoint(_ => Task.CompletedTask, EndpointMetadataCollection.Empty, "not routed")));
    }

    [Fact]
    public void ARoutedOriginFormReadIsSampled() =>
        Assert.True(ShadowTarget.IsSafe("/accounts/1?limit=5", "/accounts/1", Accounts));

    [Fact]
    public void AnEncodedSlashInTheQueryIsNotAHost() =>
        Assert.True(ShadowTarget.IsSafe("/accounts/1/entries?cursor=a%2Fb", "/accounts/1/entries", Accounts));

    [Fact]
    public void WithoutARawTargetThePathDecides() =>
        Assert.False(ShadowTarget.IsSafe(null, "//127.0.0.1:1/x", Accounts));
}
