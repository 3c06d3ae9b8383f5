using System.Security.Cryptography;
using System.Text;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.Chaos.Tests.Shadow;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>
/// The keyed chain and its anchors in the running app, attacked as the security review did: with superuser rights
/// on the audit database (the trigger switched off), without the audit key. Each test puts back what it changed.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class AuditAnchoringTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    /// <summary>The README's SQL: the canonical form a keyed row's MAC covers, built from the row itself.</summary>
    public const string CanonicalFormSql = """
        SELECT string_agg(coalesce(octet_length(f)::text, '-1') || ':' || coalesce(f, '') || '|', '' ORDER BY n)
        FROM chaos_audit a, unnest(ARRAY[a.previous_hash, a.id::text,
            to_char(a.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.key_id, a.role, a.operation, a.service,
            a.request_body, a.source_address, a.outcome, a.status_code::text, a.detail,
            to_char(a.chained_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), a.row_key, a.request_count::text])
            WITH ORDINALITY AS t(f, n)
        WHERE a.id = $1
        """;

    private static readonly TimeSpan AnchorBound = TimeSpan.FromSeconds(15);
    private static readonly AuditMac Mac = new(Convert.FromHexString(AtlasAppFixture.AuditKey));

    [Fact]
    public async Task VerifyReportsTailTruncationAfterTheNewestThreeRowsAreDeleted()
    {
        await AppendRowsAsync(3);
        await AssertChainValidAsync();
        await using (var attacker = await AuditChainTamper.BeginAsync(Fixture))
        {
            var head = await attacker.ReadHeadAsync();
            await WaitForAnchorAsync(head);
            await attacker.SaveFromAsync(head.Id - 2);

            await attacker.ExecuteAsync($"DELETE FROM chaos_audit WHERE id >= {head.Id - 2}");
            var verification = await VerifyAsync();

            Assert.False(verification.Valid);
            Assert.Equal(head.Id - 2, verification.TailTruncatedFromId);
            Assert.Equal(head.Id - 2, verification.BrokenAtId);
            Assert.Equal(head.Id - 3, verification.LastRowId);
            Assert.Equal(head.Id, verification.NewestAnchor?.Id);
            Assert.Null(verification.FirstRewrittenId);
            Assert.Null(verification.FirstMissingId);
            Assert.Contains("truncated", verification.Reason, StringComparison.Ordinal);
        }

        await AssertChainValidAsync();
    }

    [Fact]
    public async Task VerifyReportsARowRewrittenWithRecomputedPlainSha256Hashes()
    {
        await AppendRowsAsync(3);
        await AssertChainValidAsync();
        await using (var attacker = await AuditChainTamper.BeginAsync(Fixture))
        {
            var head = await attacker.ReadHeadAsync();
            var rewritten = head.Id - 2;
            await WaitForAnchorAsync(head);
            await attacker.SaveFromAsync(rewritten);

            await attacker.RewriteWithPlainHashesAsync(rewritten, "nothing to see");
            var verification = await VerifyAsync();

            Assert.False(verification.Valid);
            Assert.Equal(rewritten, verification.FirstRewrittenId);
            Assert.Equal(rewritten, verification.BrokenAtId);
            Assert.Null(verification.TailTruncatedFromId);
            Assert.Null(verification.FirstMissingId);
        }

        await AssertChainValidAsync();
    }

    [Fact]
    public async Task VerifyReportsAGapInsideTheChain()
    {
        await AppendRowsAsync(3);
        await AssertChainValidAsync();
        await using (var attacker = await AuditChainTamper.BeginAsync(Fixture))
        {
            var head = await attacker.ReadHeadAsync();
            var missing = head.Id - 1;
            await attacker.SaveFromAsync(missing);

            await attacker.ExecuteAsync($"DELETE FROM chaos_audit WHERE id = {missing}");
            var verification = await VerifyAsync();

            Assert.False(verification.Valid);
            Assert.Equal(missing, verification.FirstMissingId);
            Assert.Equal(missing, verification.BrokenAtId);
            Assert.Equal(head.Id, verification.LastRowId);
            Assert.Null(verification.FirstRewrittenId);
            Assert.Null(verification.TailTruncatedFromId);
        }

        await AssertChainValidAsync();
    }

    [Fact]
    public async Task EveryAppendIsAnchoredInTheLogAndInRedisUnderTheAuditKey()
    {
        using var log = new ResourceLogCollector(Fixture.App, "chaos-manager");
        var service = await AppendRowsAsync(1);
        var row = (await Admin.WaitForAuditAsync($"service={service}&pageSize=1", page => page.Total == 1, "the enable on record")).Entries[0];

        // The append's own anchor, or that of a row chained just after it, whose MAC covers it.
        AuditAnchorLine? line = null;
        await log.WaitForAsync(text => AuditAnchorLine.Parse(text) is { Source: AuditAnchorer.AppendSource } parsed && parsed.Anchor.Id >= row.Id && (line = parsed) is not null,
            AnchorBound);

        var anchor = line!.Anchor;
        Assert.True(Mac.IsValid(anchor), "the anchor's MAC does not verify under the audit key");
        Assert.Equal(await HashOfAsync(anchor.Id), anchor.Mac);
        await using var redis = await RedisAsync();
        await Eventually.TrueAsync(async () => (await AnchorsAsync(redis)).Contains(anchor), AnchorBound, $"anchor {anchor} in Redis");
    }

    [Fact]
    public async Task TheHeadIsAnchoredAgainEveryIntervalWithoutAnyAppend()
    {
        using var log = new ResourceLogCollector(Fixture.App, "chaos-manager");
        var since = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Two rounds after this moment: an interval apart at most, plus slack for a busy machine.
        var rounds = new HashSet<AuditAnchor>();
        await log.WaitForAsync(text =>
        {
            if (AuditAnchorLine.Parse(text) is { Source: AuditAnchorer.IntervalSource } parsed && parsed.Anchor.AtUnixMs >= since)
            {
                rounds.Add(parsed.Anchor);
            }

            return rounds.Count >= 2;
        }, 3 * AtlasAppFixture.AuditAnchorInterval + AnchorBound);

        Assert.All(rounds, anchor => Assert.True(Mac.IsValid(anchor), $"{anchor} does not verify"));
        await using var redis = await RedisAsync();
        var stored = await AnchorsAsync(redis);
        Assert.All(rounds, anchor => Assert.Contains(anchor, stored));
    }

    [Fact]
    public async Task AnSreRecomputesARowsMacWithTheReadmesSqlAndAnAnchorsMacFromRedis()
    {
        await AppendRowsAsync(1);
        await using var connection = new NpgsqlConnection(await Fixture.App.GetConnectionStringAsync("chaosdb"));
        await connection.OpenAsync();
        long id;
        await using (var newest = new NpgsqlCommand($"SELECT max(id) FROM chaos_audit WHERE chain_version = {AuditChainVersion.Keyed}", connection))
        {
            id = (long)(await newest.ExecuteScalarAsync())!;
        }

        await using var canonical = new NpgsqlCommand(CanonicalFormSql, connection) { Parameters = { new() { Value = id } } };
        var message = (string)(await canonical.ExecuteScalarAsync())!;

        Assert.Equal(await HashOfAsync(id), Hmac(message));

        await using var redis = await RedisAsync();
        AuditAnchor? anchor = null;
        await Eventually.TrueAsync(async () => (anchor = (await AnchorsAsync(redis)).MaxBy(a => (a.Id, a.AtUnixMs))) is not null, AnchorBound, "an anchor in Redis");
        Assert.Equal(anchor!.AnchorMac, Hmac($"anchor|{anchor.Id}|{anchor.Mac}|{anchor.AtUnixMs}"));
    }

    private static string Hmac(string message) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Convert.FromHexString(AtlasAppFixture.AuditKey), Encoding.UTF8.GetBytes(message)));

    /// <summary>Enables chaos on fresh services: each is chained before it answers. Returns the last service.</summary>
    private async Task<string> AppendRowsAsync(int count)
    {
        var service = string.Empty;
        for (var i = 0; i < count; i++)
        {
            service = $"audit-anchor-{Guid.NewGuid():N}"[..24];
            await Admin.EnableAsync($$"""{"Service":"{{service}}","Mode":"latency","DelayMs":1}""");
        }

        return service;
    }

    private async Task<AuditVerification> VerifyAsync() => await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"));

    private async Task AssertChainValidAsync()
    {
        var verification = await VerifyAsync();
        Assert.True(verification.Valid, verification.Reason);
    }

    /// <summary>Waits until Redis holds an anchor of exactly this head (the append's own, or the interval's).</summary>
    private async Task WaitForAnchorAsync(AuditEntry head)
    {
        await using var redis = await RedisAsync();
        await Eventually.TrueAsync(async () => (await AnchorsAsync(redis)).Any(anchor => anchor.Id == head.Id && anchor.Mac == head.Hash && Mac.IsValid(anchor)),
            AnchorBound, $"an anchor of row {head.Id}");
    }

    private async Task<string> HashOfAsync(long id)
    {
        await using var connection = new NpgsqlConnection(await Fixture.App.GetConnectionStringAsync("chaosdb"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT hash FROM chaos_audit WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private async Task<ConnectionMultiplexer> RedisAsync() =>
        await ConnectionMultiplexer.ConnectAsync(await Fixture.App.GetConnectionStringAsync("redis") ?? string.Empty);

    private static Task<IReadOnlyList<AuditAnchor>> AnchorsAsync(ConnectionMultiplexer redis) =>
        new AuditAnchorStore(redis, Options.Create(new AuditOptions())).ReadAsync();
}
