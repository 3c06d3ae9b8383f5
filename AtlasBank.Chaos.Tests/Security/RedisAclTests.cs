using System.Net;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using AtlasBank.Chaos.Tests.Chaos;
using StackExchange.Redis;
using static AtlasBank.Chaos.Tests.Security.RedisRoleConnections;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>
/// Each process logs in to Redis as its role's ACL user: a compromised service cannot start chaos, lift the halt or
/// run dangerous commands, and still has everything its job needs.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class RedisAclTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    private static readonly string[] AppUsers = ["manager", "agent", "ledger", "service"];

    [Theory]
    [InlineData("ledgerapi", "ledger")]
    [InlineData("ledgerapi-dr", "service")]
    [InlineData("chaos-manager", "manager")]
    [InlineData("chaos-agent", "agent")]
    public async Task EachProcessIsLaunchedWithItsOwnRolesRedisUser(string resource, string user)
    {
        var connectionString = await LaunchedWithAsync(Fixture, resource);
        await using var redis = await ConnectAsync(connectionString);

        Assert.Equal(user, await WhoAmIAsync(redis));
        var adminPassword = ConfigurationOptions.Parse(await Fixture.App.GetConnectionStringAsync("redis") ?? "").Password;
        Assert.DoesNotContain($"password={adminPassword}", connectionString, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ledgerapi")]
    [InlineData("ledgerapi-dr")]
    [InlineData("chaos-agent")]
    public async Task AServicesRedisCredentialsFollowTheRoutingButCannotMoveItOrTouchTheFailovers(string resource)
    {
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, resource));
        var database = redis.GetDatabase();

        // What every service's routing synchroniser does: read the state and follow its channel.
        await database.StringGetAsync(DrRedisKeys.Routing);
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Literal(DrRedisKeys.Channel), (_, _) => { });
        await subscriber.UnsubscribeAllAsync();

        await AssertNoPermAsync(() => database.StringSetAsync(DrRedisKeys.Routing, DrRoutingState.Home.ToJson()));
        await AssertNoPermAsync(() => database.KeyDeleteAsync(DrRedisKeys.Routing));
        await AssertNoPermAsync(() => database.PublishAsync(RedisChannel.Literal(DrRedisKeys.Channel), DrRoutingState.Home.ToJson()));
        await AssertNoPermAsync(() => database.StringSetAsync(DrRedisKeys.Lock, "acl-probe", TimeSpan.FromSeconds(1), When.NotExists));
        await AssertNoPermAsync(() => database.StringGetAsync(DrRedisKeys.Lock));
        await AssertNoPermAsync(() => database.ListRangeAsync(DrRedisKeys.Failovers));
        await AssertNoPermAsync(() => database.StringGetAsync(DrRedisKeys.Failover("acl-probe")));
    }

    [Theory]
    [InlineData("ledgerapi")]
    [InlineData("ledgerapi-dr")]
    [InlineData("chaos-agent")]
    public async Task AServicesRedisCredentialsCannotStartChaosOrLiftTheHalt(string resource)
    {
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, resource));
        var database = redis.GetDatabase();
        const string experiment = "chaos:experiment:acl-probe";

        await AssertNoPermAsync(() => database.StringSetAsync(experiment, "{}"));
        await AssertNoPermAsync(() => database.KeyDeleteAsync(ChaosRedisKeys.Halt));
        await AssertNoPermAsync(() => database.SortedSetAddAsync(ChaosRedisKeys.Active, "acl-probe", double.MaxValue));
        await AssertNoPermAsync(() => database.PublishAsync(RedisChannel.Literal(ChaosRedisKeys.Channel), "{}"));
        // Feeding the breaker its failures is allowed (that is the health counters' job); wiping them is not.
        await AssertNoPermAsync(() => database.KeyDeleteAsync(ChaosRedisKeys.Health("ledger", 0)));

        await using var admin = await ConnectAsAdminAsync(Fixture.App);
        Assert.False(await admin.GetDatabase().KeyExistsAsync(experiment));
    }

    [Theory]
    [InlineData("ledgerapi")]
    [InlineData("chaos-agent")]
    [InlineData("chaos-manager")]
    public async Task NoRoleButTheAdminRunsDangerousCommands(string resource)
    {
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, resource), everyCommand: true);
        var database = redis.GetDatabase();

        await AssertNoPermAsync(() => database.ExecuteAsync("FLUSHALL"));
        await AssertNoPermAsync(() => database.ExecuteAsync("CONFIG", "GET", "requirepass"));
        await AssertNoPermAsync(() => database.ExecuteAsync("KEYS", "*"));
        await AssertNoPermAsync(() => database.ExecuteAsync("ACL", "SETUSER", "intruder", "on", ">x", "~*", "+@all"));
        await AssertNoPermAsync(() => database.ExecuteAsync("EVAL", "return 1", "0"));
        await AssertNoPermAsync(() => database.ExecuteAsync("FLUSHDB"));
        await AssertNoPermAsync(() => database.ExecuteAsync("CLIENT", "LIST"));
        await AssertNoPermAsync(() => database.ExecuteAsync("SHUTDOWN", "NOSAVE"));
    }

    [Fact]
    public async Task TheLedgersRedisCredentialsReadChaosStateCountHealthAndPublishShadowSamples()
    {
        // A target no process calls, so the only count in its health buckets is this test's.
        var experiment = await Admin.EnableAsync("""{"Service":"acl-probe","Mode":"latency","DelayMs":1,"TargetUrl":"http://paymentsapi/health"}""");
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, "ledgerapi"));
        var database = redis.GetDatabase();

        // What every service's synchroniser does, with the same code.
        Assert.Contains(await ChaosStateReader.ReadActiveAsync(database, DateTimeOffset.UtcNow), active => active.ExperimentId == experiment.ExperimentId);
        var now = DateTimeOffset.UtcNow;
        var before = await HealthCallsAsync("acl-probe", now);
        var counters = new ChaosHealthCounters();
        counters.Record("acl-probe", organicFailure: true);
        await counters.FlushAsync(database, now);
        Assert.Equal(before + 1, await HealthCallsAsync("acl-probe", now));

        // What the primary's shadow publisher does: a sample of a read that is 404 on both sides.
        var keys = new ShadowRedisKeys(ShadowRedisKeys.DefaultPrefix);
        var sample = new ShadowSample($"acl-probe-{Guid.NewGuid():N}", "GET", $"/accounts/{Guid.NewGuid()}", 404, "application/problem+json",
            "{}", false, 1, DateTimeOffset.UtcNow, null, null);
        var id = await database.StreamAddAsync(keys.Samples, ShadowRedisKeys.SampleField, sample.ToJson(), maxLength: 100_000, useApproximateMaxLength: true);
        Assert.False(id.IsNull);
        await database.StringIncrementAsync(keys.Dropped, 0);
    }

    [Fact]
    public async Task AnotherServicesRedisCredentialsFollowChaosButCannotPublishShadowSamples()
    {
        var experiment = await Admin.EnableAsync("""{"Service":"acl-probe","Mode":"latency","DelayMs":1,"TargetUrl":"http://paymentsapi/health"}""");
        await using var redis = await ConnectAsync(await Fixture.App.GetConnectionStringAsync("redis-service") ?? "");
        var database = redis.GetDatabase();

        Assert.Equal("service", await WhoAmIAsync(redis));
        Assert.Contains(await ChaosStateReader.ReadActiveAsync(database, DateTimeOffset.UtcNow), active => active.ExperimentId == experiment.ExperimentId);
        await AssertNoPermAsync(() => database.StreamAddAsync("shadow:samples", ShadowRedisKeys.SampleField, "{}"));
        await AssertNoPermAsync(() => database.StringSetAsync("chaos:experiment:acl-probe", "{}"));
        // The audit spool holds request bodies and source addresses: only the manager reads it.
        await AssertNoPermAsync(() => database.StreamRangeAsync(ChaosRedisKeys.AuditSpool, "-", "+", 1));
    }

    [Fact]
    public async Task TheAgentsRedisCredentialsReachTheShadowKeysButNotTheSampleStreamsWriteSideAndDeleteOnlyComparisons()
    {
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, "chaos-agent"));
        var database = redis.GetDatabase();

        Assert.True(await database.StringSetAsync("shadow:comparison:acl-probe", "{}", TimeSpan.FromMinutes(1)));
        Assert.Equal("{}", await database.StringGetAsync("shadow:comparison:acl-probe"));
        await AssertNoPermAsync(() => database.StreamAddAsync("shadow:samples", ShadowRedisKeys.SampleField, "{}"));
        await AssertNoPermAsync(() => database.KeyDeleteAsync("shadow:acl-probe"));
        await AssertNoPermAsync(() => database.KeyDeleteAsync(["shadow:samples", "shadow:comparison:acl-probe"]));
        // What evicting the oldest comparisons beyond the bound takes (ShadowStore).
        Assert.Equal(1, await database.KeyDeleteAsync(["shadow:comparison:acl-probe"]));
        Assert.True(await database.SortedSetAddAsync("shadow:acl-probe-index", "c", 1));
        Assert.Equal(1, await database.SortedSetLengthAsync("shadow:acl-probe-index"));
        Assert.Equal(1, await database.SortedSetRemoveAsync("shadow:acl-probe-index", ["c"]));
    }

    [Fact]
    public async Task TheManagersRedisCredentialsWriteChaosStateButNoShadowKey()
    {
        await using var redis = await ConnectAsync(await LaunchedWithAsync(Fixture, "chaos-manager"));
        var database = redis.GetDatabase();
        const string experiment = "chaos:experiment:acl-probe";

        Assert.True(await database.StringSetAsync(experiment, "{}", TimeSpan.FromMinutes(1)));
        Assert.True(await database.KeyDeleteAsync(experiment));
        await AssertNoPermAsync(() => database.StreamAddAsync("shadow:samples", ShadowRedisKeys.SampleField, "{}"));
        await AssertNoPermAsync(() => database.StringGetAsync("shadow:dropped"));
    }

    [Fact]
    public async Task NoProcessOfTheAppIsDeniedByRedisWhileChaosAndShadowTrafficRun()
    {
        await using var admin = await ConnectAsAdminAsync(Fixture.App);
        using var agent = Fixture.CreateClient("chaos-agent");
        using var ledger = Fixture.CreateClient("ledgerapi");
        var start = DateTimeOffset.UtcNow;
        var callsBefore = await HealthCallsAsync("ledger-dr", start);

        // Every role at work: the manager enables, injects and disables (state, stats, health, audit spool, channel);
        // the agent counts its calls to the target (health) and compares a sample the ledger published.
        var experiment = await Admin.EnableAsync("""{"Service":"ledger-dr","Mode":"latency","DelayMs":1,"TargetUrl":"http://ledgerapi-dr/health"}""");
        var injected = await Admin.InjectAsync("ledger-dr");
        Assert.True(injected.Success, injected.Error);
        var path = $"/accounts/{Guid.NewGuid()}";
        using (var read = await ledger.GetAsync(path))
        {
            Assert.Equal(HttpStatusCode.NotFound, read.StatusCode);
        }

        await Eventually.TrueAsync(async () => (await agent.GetStringAsync("/shadow/comparisons?limit=200")).Contains(path, StringComparison.Ordinal),
            TimeSpan.FromSeconds(20), "the agent to compare the ledger's sample");
        await Eventually.TrueAsync(async () => await HealthCallsAsync("ledger-dr", start) > callsBefore + injected.Attempts,
            TimeSpan.FromSeconds(20), "the agent's calls to ledger-dr to reach the health counters");
        using var disable = await Admin.PostAsync("/chaos/disable", "\"ledger-dr\"");
        Assert.Equal(HttpStatusCode.OK, disable.StatusCode);
        var from = Uri.EscapeDataString(experiment.EnabledAt.ToString("o", System.Globalization.CultureInfo.InvariantCulture));
        await Admin.WaitForAuditAsync($"service=ledger-dr&from={from}&pageSize=100",
            page => page.Entries.Any(entry => entry.Operation == "DisableChaos"), "the disable to be chained from the audit spool");

        var denials = (await AclLogAsync(admin))
            .Where(entry => AppUsers.Contains(entry["username"]) && !entry["client-info"].Contains($" name={ProbeClientName} ", StringComparison.Ordinal))
            .Select(entry => $"{entry["username"]} denied {entry["reason"]} '{entry["object"]}' ({entry["client-info"]})")
            .ToList();
        Assert.True(denials.Count == 0, string.Join(Environment.NewLine, denials));
    }

    /// <summary>Calls counted for <paramref name="service"/> in the health buckets from a minute before <paramref name="around"/> to a minute after.</summary>
    private async Task<long> HealthCallsAsync(string service, DateTimeOffset around)
    {
        await using var admin = await ConnectAsAdminAsync(Fixture.App);
        var database = admin.GetDatabase();
        long calls = 0;
        for (var bucket = ChaosHealthBuckets.Of(around) - 6; bucket <= ChaosHealthBuckets.Of(around) + 6; bucket++)
        {
            calls += (long)await database.HashGetAsync(ChaosRedisKeys.Health(service, bucket), ChaosHealthBuckets.CallsField);
        }

        return calls;
    }

    /// <summary><c>ACL LOG</c> as one dictionary of its fields per entry.</summary>
    private static async Task<List<Dictionary<string, string>>> AclLogAsync(ConnectionMultiplexer admin)
    {
        var log = await admin.GetDatabase().ExecuteAsync("ACL", "LOG", "128");
        return [.. ((RedisResult[])log!).Select(entry =>
        {
            var fields = (RedisResult[])entry!;
            return Enumerable.Range(0, fields.Length / 2).ToDictionary(i => fields[2 * i].ToString(), i => fields[(2 * i) + 1].ToString());
        })];
    }
}
