using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Shadow;
using AtlasBank.LedgerDr.Shadow;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>The primary's sample buffer is bounded by memory as well as by count: large answers cannot fill the heap.</summary>
public sealed class ShadowTapBufferTests
{
    private const int BodyBytes = 64 * 1024;

    [Fact]
    public void LargeSamplesBeyondTheByteBudgetAreDroppedAndTheBudgetReturnsAsTheyArePublished()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var options = new ShadowOptions { Rate = 1.0, BufferCapacity = 10_000, BufferBytes = 1024 * 1024 };
        var tap = new ShadowTap(Options.Create(options), new ShadowSampler(() => 0.0), TimeProvider.System, services.GetRequiredService<IMeterFactory>());
        var body = new byte[BodyBytes];
        Array.Fill(body, (byte)'a');

        for (var i = 0; i < 20; i++)
        {
            tap.Capture(Request(), body, truncated: false, TimeSpan.FromMilliseconds(1));
        }

        // A 64 KiB body is 128 KiB as a .NET string: 7 fit in 1 MiB with their overhead, not 20.
        Assert.InRange(tap.QueuedBytes, 7 * 2 * BodyBytes, options.BufferBytes);
        var taken = 0;
        while (tap.TryTake(out _))
        {
            taken++;
        }

        Assert.Equal(7, taken);
        Assert.Equal(0, tap.QueuedBytes);
        tap.Capture(Request(), body, truncated: false, TimeSpan.FromMilliseconds(1));
        Assert.True(tap.TryTake(out _));
    }

    private static DefaultHttpContext Request()
    {
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Request.Path = "/accounts/0190d7e0-0000-7000-8000-000000000000";
        context.Response.StatusCode = 200;
        return context;
    }
}
