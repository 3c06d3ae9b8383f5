using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Dr.Failover;

/// <summary>
/// The DR API as an operator calls it, and what a test needs around it: both ledgers, the admin's SQL on both
/// databases, and putting the bank back home (region A writing, region B subscribed) whatever a test did.
/// </summary>
public sealed class DrClient(AtlasAppFixture fixture) : IDisposable
{
    public static readonly TimeSpan DrCallTimeout = TimeSpan.FromSeconds(90);

    private readonly HttpClient _operator = fixture.CreateManagerClient(AtlasAppFixture.OperatorKey);
    private readonly HttpClient _admin = fixture.CreateManagerClient(AtlasAppFixture.AdminKey);

    public Ledger.LedgerClient RegionA { get; } = new(fixture.CreateClient("ledgerapi"));

    public Ledger.LedgerClient RegionB { get; } = new(fixture.CreateClient("ledgerapi-dr"));

    public HttpClient Operator => _operator;

    public Task<HttpResponseMessage> FailoverAsync(string? reason = null, bool acceptDataLoss = false) =>
        _operator.PostAsync("/dr/failover", reason is null && !acceptDataLoss ? null : JsonContent.Create(new { Reason = reason, AcceptDataLoss = acceptDataLoss }))
            .WaitAsync(DrCallTimeout);

    public Task<HttpResponseMessage> FailbackAsync() => _admin.PostAsync("/dr/failback", null).WaitAsync(DrCallTimeout);

    public Task<HttpResponseMessage> ReconcileAsync() => _admin.PostAsync("/dr/reconcile", null).WaitAsync(DrCallTimeout);

    public async Task<JsonElement> StateAsync()
    {
        using var response = await _operator.GetAsync("/dr/state");
        return await HttpJson.ReadAsync<JsonElement>(response);
    }

    public static async Task<JsonElement> ReadRecordAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {expected}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Runs <paramref name="sql"/> as the superuser on region A's (<c>ledgerdb</c>) or region B's (<c>ledgerdb-dr</c>) ledger database.</summary>
    public async Task<object?> ScalarAsync(string database, string sql, params object[] parameters)
    {
        // Unpooled: a test may have restarted the server, which leaves pooled connections dead.
        var connectionString = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync(database)) { Pooling = false };
        await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        return await command.ExecuteScalarAsync();
    }

    public async Task<long> CountTransfersWithKeyAsync(string database, string key) =>
        (long)(await ScalarAsync(database, "SELECT count(*) FROM transfers WHERE idempotency_key = $1", key))!;

    /// <summary>Stops region B's apply worker: what region A commits from now on stays on region A.</summary>
    public Task PauseReplicationAsync() =>
        ScalarAsync("ledgerdb-dr", $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} DISABLE");

    /// <summary>
    /// Back home whatever happened: a failback when region B writes, sync mode off, and region B's subscription
    /// enabled and streaming again. Every DR test ends with it.
    /// </summary>
    public async Task RestoreHomeAsync()
    {
        await Eventually.TrueAsync(async () => (await StateAsync()).GetProperty("InProgress").ValueKind == JsonValueKind.Null
                && await ScalarAsync("chaosdb", $"SELECT count(*) FROM {DrJournalSchema.OperationsTable} WHERE state = 'running'") is 0L,
            DrCallTimeout, "a failover or failback still held the lock, or one cut short was not taken over yet");
        if ((await StateAsync()).GetProperty("ActiveRegion").GetString() != DrRegions.Home)
        {
            using var failback = await FailbackAsync();
            await ReadRecordAsync(failback);
        }

        // After the failback, which turns sync mode back on when the failover found it on.
        await ScalarAsync("ledgerdb", "ALTER SYSTEM RESET synchronous_standby_names");
        await ScalarAsync("ledgerdb", "SELECT pg_reload_conf()");
        if (await ScalarAsync("ledgerdb-dr", "SELECT NOT subenabled FROM pg_subscription WHERE subname = $1", LedgerReplication.SubscriptionName) is true)
        {
            await ScalarAsync("ledgerdb-dr", $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} ENABLE");
        }

        await Eventually.TrueAsync(
            async () => await ScalarAsync("ledgerdb-dr", "SELECT count(*) FROM pg_stat_subscription WHERE subname = $1 AND received_lsn IS NOT NULL",
                LedgerReplication.SubscriptionName) is long and > 0,
            DrCallTimeout, "region B's subscription did not stream again");
        await Eventually.TrueAsync(async () => await ScalarAsync("ledgerdb", "SELECT dr.writes_granted()") is true,
            DrCallTimeout, "region A, home, to hold the write grant");
    }

    public void Dispose()
    {
        _operator.Dispose();
        _admin.Dispose();
    }
}
