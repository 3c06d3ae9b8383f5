using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using AtlasBank.Chaos.ServiceDefaults.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using static AtlasBank.Chaos.Tests.Dr.Routing.RoutingTestData;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

public sealed class DrRoutingSynchronizerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task WithoutARedisConnectionStringTheProcessStaysOnTheHomeRegion()
    {
        var cache = new DrRoutingCache(TimeProvider.System);
        var logs = new LogLines();
        using var synchronizer = Synchronizer(cache, connectionString: null, logs);

        await synchronizer.StartAsync(CancellationToken.None).WaitAsync(Bound);
        await synchronizer.ExecuteTask!.WaitAsync(Bound);

        Assert.Equal(DrRoutingState.Home, cache.Current);
        Assert.False(cache.Known);
        Assert.Single(logs.Lines, line => line.Contains("no connection string 'redis'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LosingRedisKeepsTheLastKnownRegion()
    {
        // Nothing listens on port 1: every read fails, as when Redis goes away.
        var cache = new DrRoutingCache(TimeProvider.System);
        cache.Apply(State(DrRegions.B, 4));
        var logs = new LogLines();
        using var synchronizer = Synchronizer(cache, "127.0.0.1:1", logs);

        await synchronizer.StartAsync(CancellationToken.None).WaitAsync(Bound);
        try
        {
            await Eventually.TrueAsync(
                () => logs.Lines.Count(line => line.StartsWith("DR routing could not be read", StringComparison.Ordinal)) >= 2,
                Bound, () => $"two failed reads; logged: {string.Join(" | ", logs.Lines)}");

            Assert.Equal(State(DrRegions.B, 4), cache.Current);
            Assert.True(cache.Known);
        }
        finally
        {
            await synchronizer.StopAsync(CancellationToken.None).WaitAsync(Bound);
        }

        Assert.Equal(State(DrRegions.B, 4), cache.Current);
    }

    private static DrRoutingSynchronizer Synchronizer(DrRoutingCache cache, string? connectionString, LogLines logs)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:redis"] = connectionString })
            .Build();
        var loggerFactory = LoggerFactory.Create(logging => logging.AddProvider(logs));
        return new DrRoutingSynchronizer(
            cache, configuration, Options.Create(new ChaosOptions()),
            Options.Create(new DrRoutingOptions { ResyncInterval = TimeSpan.FromMilliseconds(100) }),
            new DeadLetters(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), new HostingEnvironment { ApplicationName = "routing-test" }),
            TimeProvider.System, loggerFactory.CreateLogger<DrRoutingSynchronizer>());
    }

    /// <summary>Every formatted log line, in order.</summary>
    private sealed class LogLines : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyList<string> Lines => [.. _lines];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
