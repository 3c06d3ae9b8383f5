using AtlasBank.Chaos.Contracts.Shadow;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Tests.Shadow;

public sealed class ShadowOptionsTests
{
    [Fact]
    public void SpecVariablesWinOverTheirShadowKeys()
    {
        var options = Bind(new()
        {
            ["Shadow:Source"] = "primary:1",
            ["Shadow:Destination"] = "dr:1",
            ["Shadow:Rate"] = "0.2",
            ["Shadow:KeyPrefix"] = "keys:",
            ["SHADOW_SRC"] = "ledgerapi",
            ["SHADOW_DST"] = "http://ledgerapi-dr:6182",
            ["SHADOW_RATE"] = "0.7",
            ["REDIS_KEY_PREFIX"] = "spec:",
        });

        Assert.Equal("ledgerapi", options.Source);
        Assert.Equal("http://ledgerapi-dr:6182", options.Destination);
        Assert.Equal(0.7, options.Rate);
        Assert.Equal("spec:", options.KeyPrefix);
    }

    [Fact]
    public void ShadowKeysApplyWhenNoSpecVariableIsSet()
    {
        var options = Bind(new()
        {
            ["Shadow:Rate"] = "1.0",
            ["Shadow:KeyPrefix"] = "keys:",
            ["Shadow:ValidationInterval"] = "00:00:01",
            ["Shadow:BufferCapacity"] = "50",
        });

        Assert.Equal(1.0, options.Rate);
        Assert.Equal("keys:", options.KeyPrefix);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ValidationInterval);
        Assert.Equal(50, options.BufferCapacity);
        Assert.Equal(ShadowOptions.DefaultSource, options.Source);
        Assert.Equal(ShadowOptions.DefaultDestination, options.Destination);
    }

    [Fact]
    public void UnsetEverythingGivesTheSpecDefaults()
    {
        var options = Bind([]);

        Assert.Equal("ledgerapi:6181", options.Source);
        Assert.Equal("ledgerapi-dr:6181", options.Destination);
        Assert.Equal(0.05, options.Rate);
        Assert.Equal("shadow:", options.KeyPrefix);
    }

    [Fact]
    public void UnparsableShadowRateFailsNamingShadowRateEvenWithAValidShadowKey()
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["Shadow:Rate"] = "0.5",
            ["SHADOW_RATE"] = "often",
        }));

        Assert.Contains(failure.Failures, message => message.Contains("SHADOW_RATE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("SHADOW_RATE", "", "SHADOW_RATE")]
    [InlineData("SHADOW_RATE", "1.5", "SHADOW_RATE")]
    [InlineData("REDIS_KEY_PREFIX", "bad prefix", "REDIS_KEY_PREFIX")]
    [InlineData("SHADOW_SRC", "http://bad host", "SHADOW_SRC")]
    [InlineData("SHADOW_DST", "http://bad host", "SHADOW_DST")]
    [InlineData("Shadow:Methods:2", "POST", "Shadow:Methods")]
    public void AnInvalidSettingFailsValidationNamingIt(string key, string value, string named)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Bind(new() { [key] = value }));

        Assert.Contains(failure.Failures, message => message.Contains(named, StringComparison.Ordinal));
    }

    private static ShadowOptions Bind(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddShadowOptions();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ShadowOptions>>().Value;
    }
}
