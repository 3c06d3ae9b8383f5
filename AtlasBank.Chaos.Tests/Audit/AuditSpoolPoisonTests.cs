using System.Globalization;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Security;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>
/// What the audit spool does with entries the managers did not write, added with the managers' own Redis credentials:
/// a forged row (no MAC under the audit key) and junk. Each is set aside in <c>chaos:deadletter</c>, never chained, and
/// the rows after it still are.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class AuditSpoolPoisonTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ARowSpooledWithTheManagersRedisCredentialsAloneNeverReachesTheChainAndVerifyReportsTheAttempt()
    {
        var before = await VerifyAsync();
        await using var redis = await ManagerRedisAsync();
        var service = $"forged-{Guid.NewGuid():N}";
        var forged = new AuditRecord("admin", "admin", "DisableAllChaos", service, null, null, 200, "a stop nobody made");
        var streamId = (await redis.GetDatabase().StreamAddAsync(ChaosRedisKeys.AuditSpool,
        [
            new NameValueEntry("record", JsonSerializer.Serialize(forged)),
            new NameValueEntry("at", DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture)),
            new NameValueEntry("key", Guid.NewGuid().ToString("N")),
            new NameValueEntry("mac", new string('0', 64)),
        ]).WaitAsync(AtlasAppFixture.RequestTimeout)).ToString();

        var letter = await DeadLetterAsync(redis, streamId);
        Assert.Equal("audit-spool", letter["source"]);
        Assert.Equal(SpoolRejection.Unauthenticated, letter["reason"]);
        Assert.Equal(service, JsonSerializer.Deserialize<AuditRecord>(letter["entry.record"])!.Service);
        var chained = await HttpJson.ReadAsync<AuditPage>(await Admin.Http.GetAsync($"/chaos/audit?service={service}"));
        Assert.Equal(0, chained.Total);

        var after = await VerifyAsync();
        Assert.True(after.Valid, after.Reason);
        Assert.Equal(before.SpoolRejections!.Unauthenticated + 1, after.SpoolRejections!.Unauthenticated);
        Assert.Contains(streamId, after.SpoolRejections.Last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMalformedSpoolEntryIsSetAsideAndTheRowAfterItIsStillChained()
    {
        await using var redis = await ManagerRedisAsync();
        var streamId = (await redis.GetDatabase().StreamAddAsync(ChaosRedisKeys.AuditSpool, "junk", "not an audit row")
            .WaitAsync(AtlasAppFixture.RequestTimeout)).ToString();
        var started = DateTimeOffset.UtcNow;

        // A read is audited through the spool, behind the junk.
        await Admin.ListAsync();

        Assert.Equal(SpoolRejection.Malformed, (await DeadLetterAsync(redis, streamId))["reason"]);
        await Admin.WaitForAuditAsync($"keyId=admin&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=50",
            page => page.Entries.Any(entry => entry.Operation == "ListChaos"), "the list's row, spooled after the junk");
        Assert.Empty(await redis.GetDatabase().StreamRangeAsync(ChaosRedisKeys.AuditSpool, streamId, streamId).WaitAsync(AtlasAppFixture.RequestTimeout));
    }

    private async Task<ConnectionMultiplexer> ManagerRedisAsync() =>
        await RedisRoleConnections.ConnectAsync(await RedisRoleConnections.LaunchedWithAsync(Fixture, "chaos-manager"));

    private async Task<AuditVerification> VerifyAsync() =>
        await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"));

    /// <summary>The dead letter naming spool entry <paramref name="streamId"/>, once the drainer set it aside.</summary>
    private static async Task<Dictionary<string, string>> DeadLetterAsync(ConnectionMultiplexer redis, string streamId)
    {
        Dictionary<string, string>? letter = null;
        await Eventually.TrueAsync(async () =>
        {
            var letters = await redis.GetDatabase().StreamRangeAsync(ChaosRedisKeys.DeadLetter, "-", "+").WaitAsync(AtlasAppFixture.RequestTimeout);
            letter = letters.Select(entry => entry.Values.ToDictionary(value => value.Name.ToString(), value => value.Value.ToString(), StringComparer.Ordinal))
                .FirstOrDefault(fields => fields.GetValueOrDefault("stream-id") == streamId);
            return letter is not null;
        }, Bound, $"spool entry {streamId} in {ChaosRedisKeys.DeadLetter}");
        return letter!;
    }
}
