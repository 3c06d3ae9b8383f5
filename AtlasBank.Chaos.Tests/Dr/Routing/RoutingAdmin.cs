using AtlasBank.Chaos.Contracts.Dr;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Dr.Routing;

/// <summary>
/// Moves the routing as the manager's failover coordinator does, with the admin's Redis: writes
/// <see cref="DrRedisKeys.Routing"/> with the next epoch and publishes it on <see cref="DrRedisKeys.Channel"/>.
/// </summary>
internal sealed class RoutingAdmin(IConnectionMultiplexer redis)
{
    public static async Task<RoutingAdmin> ConnectAsync(AtlasAppFixture fixture) =>
        new(await ConnectionMultiplexer.ConnectAsync(await fixture.App.GetConnectionStringAsync("redis") ?? "").WaitAsync(AtlasAppFixture.RequestTimeout));

    /// <summary>Makes <paramref name="region"/> active with an epoch above the one Redis holds; answers the state written.</summary>
    public async Task<DrRoutingState> SetAsync(string region, bool switching = false)
    {
        var database = redis.GetDatabase();
        var current = DrRoutingState.TryParse(await database.StringGetAsync(DrRedisKeys.Routing).WaitAsync(AtlasAppFixture.RequestTimeout))
            ?? DrRoutingState.Home;
        var state = new DrRoutingState(region, current.Epoch + 1, switching, DateTimeOffset.UtcNow, $"routing-test-{Guid.NewGuid():N}");
        var json = state.ToJson();
        await database.StringSetAsync(DrRedisKeys.Routing, json).WaitAsync(AtlasAppFixture.RequestTimeout);
        await database.PublishAsync(RedisChannel.Literal(DrRedisKeys.Channel), json).WaitAsync(AtlasAppFixture.RequestTimeout);
        return state;
    }

    /// <summary>
    /// Holds the DR lock as a failover would, so the manager's fence keeper stands aside: moving the routing by hand
    /// without it would make the keeper revoke region A's database grant while region B is "active".
    /// </summary>
    public Task HoldDrLockAsync() => Eventually.TrueAsync(
        () => redis.GetDatabase().StringSetAsync(DrRedisKeys.Lock, "routing-test", TimeSpan.FromMinutes(5), When.NotExists)
            .WaitAsync(AtlasAppFixture.RequestTimeout),
        AtlasAppFixture.RequestTimeout, "the DR lock, held by a failover, a failback or the fence keeper");

    /// <summary><see cref="HoldDrLockAsync()"/> until the answer is disposed, for a test that moves a write grant by hand.</summary>
    public static async Task<IAsyncDisposable> HoldDrLockAsync(AtlasAppFixture fixture)
    {
        var admin = await ConnectAsync(fixture);
        await admin.HoldDrLockAsync();
        return new HeldDrLock(admin);
    }

    public Task ReleaseDrLockAsync() => redis.GetDatabase().KeyDeleteAsync(DrRedisKeys.Lock).WaitAsync(AtlasAppFixture.RequestTimeout);

    /// <summary>Puts <paramref name="value"/> in <see cref="DrRedisKeys.Routing"/> as it is (null: deletes it); answers what was there.</summary>
    public async Task<string?> ReplaceRawAsync(string? value)
    {
        var database = redis.GetDatabase();
        var previous = await database.StringGetAsync(DrRedisKeys.Routing).WaitAsync(AtlasAppFixture.RequestTimeout);
        await (value is null ? database.KeyDeleteAsync(DrRedisKeys.Routing) : database.StringSetAsync(DrRedisKeys.Routing, value))
            .WaitAsync(AtlasAppFixture.RequestTimeout);
        return previous;
    }

    /// <summary>Publishes <paramref name="message"/> on the routing channel as it is.</summary>
    public Task PublishRawAsync(string message) =>
        redis.GetDatabase().PublishAsync(RedisChannel.Literal(DrRedisKeys.Channel), message).WaitAsync(AtlasAppFixture.RequestTimeout);

    private sealed class HeldDrLock(RoutingAdmin admin) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await admin.ReleaseDrLockAsync();
    }
}
