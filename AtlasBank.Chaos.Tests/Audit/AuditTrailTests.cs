using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Tests.Chaos;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>The audit trail: one row per operation, a hash chain that catches tampering.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class AuditTrailTests(AtlasAppFixture fixture) : CleanChaosStateTests(fixture)
{
    [Fact]
    public async Task ConcurrentOperationsFromSeveralKeysLeaveExactlyOneAuditRowEachAndAChainThatVerifies()
    {
        var started = DateTimeOffset.UtcNow;
        var keys = new[] { ("admin", AtlasAppFixture.AdminKey), ("operator", AtlasAppFixture.OperatorKey), ("viewer", AtlasAppFixture.ViewerKey) };
        var operations = Enumerable.Range(0, 45).Select(async i =>
        {
            var (id, key) = keys[i % keys.Length];
            using var client = Fixture.CreateManagerClient(key);
            using var response = id == "viewer"
                ? await client.GetAsync("/chaos/list")
                : await ChaosManagerClient.SendAsync(client, "POST", "/chaos/enable", $$"""{"Service":"audit-load-{{i}}","Mode":"latency","DelayMs":1}""");
            Assert.True(response.IsSuccessStatusCode, $"{id}: {(int)response.StatusCode}");
        });
        await Task.WhenAll(operations);

        foreach (var (id, _) in keys)
        {
            // The enables are chained before they answer; the viewer's reads reach the chain through the spool.
            var page = await Admin.WaitForAuditAsync($"keyId={id}&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=1",
                audited => audited.Total >= 15, $"15 rows of {id}");
            Assert.Equal(15, page.Total);
        }

        var verification = await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"));
        Assert.True(verification.Valid, verification.Reason);
    }

    [Theory]
    [InlineData("/drills/no-such-drill/runs", "StartDrillRun", 404)]
    [InlineData("/dr/failback", "Failback", 409)]
    public async Task EachRowHoldsTheStatusTheCallerGotAlsoWhenTheEndpointAnswersOneOfSeveralResults(string path, string operation, int expected)
    {
        var started = DateTimeOffset.UtcNow;
        using var response = await Admin.PostAsync(path, string.Empty);
        Assert.Equal(expected, (int)response.StatusCode);

        var page = await Admin.WaitForAuditAsync($"keyId=admin&from={Uri.EscapeDataString(started.ToString("o"))}&pageSize=50",
            audited => audited.Entries.Any(entry => entry.Operation == operation), $"the {operation} row");
        Assert.Equal(expected, Assert.Single(page.Entries, entry => entry.Operation == operation).StatusCode);
    }

    [Fact]
    public async Task ARowAlteredInTheDatabaseIsNamedByVerification()
    {
        await Admin.ListAsync(); // at least one row exists
        var latest = (await HttpJson.ReadAsync<AuditPage>(await Admin.Http.GetAsync("/chaos/audit?pageSize=1"))).Entries[0];
        await using var connection = new NpgsqlConnection(await Fixture.App.GetConnectionStringAsync("chaosdb"));
        await connection.OpenAsync();

        // The table refuses changes outright...
        await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(connection, $"UPDATE chaos_audit SET outcome = 'allowed' WHERE id = {latest.Id}"));

        // ...and someone who switches that off is still caught by the hash chain.
        await ExecuteAsync(connection, "ALTER TABLE chaos_audit DISABLE TRIGGER chaos_audit_no_change");
        try
        {
            await ExecuteAsync(connection, $"UPDATE chaos_audit SET detail = 'nothing to see' WHERE id = {latest.Id}");
            var broken = await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"));
            Assert.False(broken.Valid);
            Assert.Equal(latest.Id, broken.BrokenAtId);
        }
        finally
        {
            await using var restore = new NpgsqlCommand("UPDATE chaos_audit SET detail = $1 WHERE id = $2", connection);
            restore.Parameters.Add(new() { Value = (object?)latest.Detail ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
            restore.Parameters.Add(new() { Value = latest.Id });
            await restore.ExecuteNonQueryAsync();
            await ExecuteAsync(connection, "ALTER TABLE chaos_audit ENABLE TRIGGER chaos_audit_no_change");
        }

        Assert.True((await HttpJson.ReadAsync<AuditVerification>(await Admin.Http.GetAsync("/chaos/audit/verify"))).Valid);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
