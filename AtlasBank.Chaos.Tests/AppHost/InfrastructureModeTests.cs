using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.Tests.AppHost;

public sealed class InfrastructureModeTests
{
    [Theory]
    [InlineData("processes", InfrastructureMode.Processes)]
    [InlineData("Containers", InfrastructureMode.Containers)]
    public async Task AnExplicitModeIsTakenAsIs(string configured, InfrastructureMode expected)
    {
        var builder = DistributedApplication.CreateBuilder([$"--Infra:Mode={configured}"]);

        Assert.Equal(expected, await InfrastructureModeResolver.ResolveAsync(builder));
    }

    [Fact]
    public async Task AnUnknownModeStopsWithAMessageListingTheChoices()
    {
        var builder = DistributedApplication.CreateBuilder(["--Infra:Mode=kubernetes"]);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InfrastructureModeResolver.ResolveAsync(builder));

        Assert.Contains("auto, containers, processes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishingResolvesAutoToContainers()
    {
        var builder = DistributedApplication.CreateBuilder(["--publisher", "manifest", "--output-path", Path.GetTempPath()]);

        Assert.Equal(InfrastructureMode.Containers, await InfrastructureModeResolver.ResolveAsync(builder));
    }

    [Fact]
    public async Task MissingServerBinariesAreNamedWithWhatToInstall()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Infra:RedisServer"] = "/nonexistent/redis-server",
            ["Infra:PostgresBinDir"] = "/nonexistent/bin",
        }).Build();

        var (binaries, problem) = await LocalBinaries.FindAsync(configuration);

        Assert.Null(binaries);
        Assert.Contains("redis-server", problem, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", problem, StringComparison.Ordinal);
    }
}
