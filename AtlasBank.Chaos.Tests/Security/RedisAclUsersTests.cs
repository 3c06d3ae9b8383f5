using AtlasBank.Chaos.AppHost.RedisAcl;

namespace AtlasBank.Chaos.Tests.Security;

public sealed class RedisAclUsersTests
{
    [Theory]
    [InlineData("chaos:")]
    [InlineData("chaos:shadow:")]
    [InlineData("c")]
    [InlineData("chaos")]
    public void AShadowPrefixOverlappingTheChaosKeysStopsTheAppHost(string prefix)
    {
        var error = Assert.Throws<InvalidOperationException>(() => RedisAclUsers.All(prefix));

        Assert.Contains("overlaps the chaos keys", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sha*dow:")]
    [InlineData("shadow :")]
    public void AShadowPrefixTheServicesWouldRefuseStopsTheAppHost(string prefix) =>
        Assert.Throws<InvalidOperationException>(() => RedisAclUsers.All(prefix));

    [Fact]
    public void TheShadowRightsFollowTheConfiguredPrefix()
    {
        var users = RedisAclUsers.All("mirror:").ToDictionary(user => user.Name);

        Assert.Contains("(~mirror:samples +xadd)", users[RedisAclUsers.Ledger].Rules);
        Assert.Contains(users[RedisAclUsers.Agent].Rules, rule => rule.StartsWith("(~mirror:* ", StringComparison.Ordinal));
        Assert.DoesNotContain(users.Values.SelectMany(user => user.Rules), rule => rule.Contains("shadow:", StringComparison.Ordinal));
    }
}
