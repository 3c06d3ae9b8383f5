using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

internal static class RoutingTestData
{
    public static readonly DateTimeOffset Start = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public static DrRoutingState State(string region, long epoch, bool switching = false) =>
        new(region, epoch, switching, Start, $"fo-test-{epoch}");
}
