using AtlasBank.Chaos.Agent.Shadow;

namespace AtlasBank.Chaos.Tests.Shadow;

public sealed class ReplayUriTests
{
    private static readonly Uri Dr = new("http://ledgerapi-dr:8080");

    [Theory]
    [InlineData("//127.0.0.1:1/x")]
    [InlineData("/%2F%2F127.0.0.1:1/x")]
    [InlineData("/%2f127.0.0.1:1/x")]
    [InlineData("/%5C%5C127.0.0.1/x")]
    [InlineData("http://127.0.0.1:1/x")]
    [InlineData(@"\\127.0.0.1\x")]
    [InlineData(@"/\127.0.0.1/x")]
    [InlineData("127.0.0.1:1/x")]
    [InlineData("")]
    public void APathThatCouldNameAnotherHostIsRefusedWithAReason(string pathAndQuery)
    {
        Assert.Null(ReplayUri.TryBuild(Dr, pathAndQuery, out var refusal));
        Assert.StartsWith("Refused to replay", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void ARelativePathWithAQueryStaysOnTheBaseAddress()
    {
        var id = Guid.NewGuid();

        var uri = ReplayUri.TryBuild(Dr, $"/accounts/{id}?limit=5", out var refusal);

        Assert.Null(refusal);
        Assert.Equal(new Uri($"http://ledgerapi-dr:8080/accounts/{id}?limit=5"), uri);
    }

    [Fact]
    public void AClientWithoutABaseAddressSendsNothing() =>
        Assert.Null(ReplayUri.TryBuild(null, "/accounts", out _));
}
