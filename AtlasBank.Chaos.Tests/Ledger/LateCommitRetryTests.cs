using System.Net;
using System.Net.Http.Json;
using AtlasBank.Chaos.Tests.Chaos;
using AtlasBank.LedgerDr.Ledger;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Ledger;

/// <summary>
/// The double-posting hazard: a transfer that commits after the caller has given up on the attempt. The primary is
/// made to hold every commit in a wait for a synchronous standby that never comes; when the caller's attempt timeout
/// aborts the request, PostgreSQL cancels the wait and the transaction stays committed ("committed locally, but
/// might not have been replicated") — exactly a commit the caller never heard of.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class LateCommitRetryTests(AtlasAppFixture fixture)
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan SettingTimeout = TimeSpan.FromSeconds(20);
    private const string AbsentStandby = "atlas_test_standby_that_never_connects";

    private readonly LedgerClient _primary = new(fixture.CreateClient("ledgerapi"));

    [Fact]
    public async Task ATransferWhoseFirstAttemptCommitsAfterTheAttemptTimeoutIsPostedOnce()
    {
        var (_, customer) = await _primary.CreateFundedPairAsync(100m);
        var merchant = await _primary.CreateAccountAsync($"merchant-{Guid.NewGuid():N}");
        var key = LedgerClient.NewIdempotencyKey();

        // A service's own client: standard resilience (retries included) and the rule that only keyed writes retry.
        await using var service = await ServiceDefaultsClientHost.StartAsync(
            fixture, ServiceDefaultsClientHost.QuickResyncInterval, chaosEnabled: false, options =>
            {
                options.AttemptTimeout.Timeout = AttemptTimeout;
                options.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(30);
                options.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            });
        using var client = service.CreateClient();

        var adminConnectionString = await fixture.App.GetConnectionStringAsync("ledgerdb");
        HttpResponseMessage response;
        await SetSynchronousStandbyAsync(adminConnectionString!, AbsentStandby);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://ledgerapi/transfers")
            {
                Content = JsonContent.Create(new { fromAccountId = customer.Id, toAccountId = merchant.Id, amount = 30m }, options: LedgerClient.Json),
            };
            request.Headers.Add("Idempotency-Key", key);
            response = await client.SendAsync(request).WaitAsync(AtlasAppFixture.RequestTimeout);
        }
        finally
        {
            await SetSynchronousStandbyAsync(adminConnectionString!, null);
        }

        using (response)
        {
            // The answer came from a retry that found the first attempt's committed transfer.
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("true", response.Headers.GetValues("Idempotent-Replayed").Single());
            Assert.Equal(key, (await response.Content.ReadFromJsonAsync<Transfer>(LedgerClient.Json))!.IdempotencyKey);
        }

        Assert.Equal(30m, (await _primary.GetAccountAsync(merchant.Id))!.Balance);
        Assert.Equal(70m, (await _primary.GetAccountAsync(customer.Id))!.Balance);
        Assert.Single(await _primary.GetEntriesAsync(merchant.Id));
        Assert.Equal(1L, await CountTransfersAsync(adminConnectionString!, key));
    }

    /// <summary>
    /// Names (or, with null, clears) a synchronous standby on the primary and waits until commits behave accordingly:
    /// the checkpointer applies the reload asynchronously.
    /// </summary>
    private static async Task SetSynchronousStandbyAsync(string connectionString, string? standby)
    {
        await using var admin = new NpgsqlConnection(connectionString);
        await admin.OpenAsync();
        await using (var set = new NpgsqlCommand(
            standby is null
                ? "ALTER SYSTEM RESET synchronous_standby_names"
                : $"ALTER SYSTEM SET synchronous_standby_names = '{standby}'", admin))
        {
            await set.ExecuteNonQueryAsync();
        }

        await using (var reload = new NpgsqlCommand("SELECT pg_reload_conf()", admin))
        {
            await reload.ExecuteNonQueryAsync();
        }

        await using var probe = new NpgsqlConnection(connectionString);
        await probe.OpenAsync();
        if (standby is null)
        {
            // Clearing the setting releases every waiting commit, so one probe commit returning proves it is live.
            await ProbeCommitAsync(probe).WaitAsync(SettingTimeout);
            return;
        }

        // Probe commits until one waits for the standby (seen in pg_stat_activity); that one is then cancelled, which
        // is what the ledger's aborted request does to its own commit.
        await Eventually.TrueAsync(
            async () =>
            {
                var commit = ProbeCommitAsync(probe);
                var waiting = await IsWaitingForStandbyAsync(admin, probe.ProcessID, TimeSpan.FromMilliseconds(500));
                if (waiting)
                {
                    await using var cancel = new NpgsqlCommand($"SELECT pg_cancel_backend({probe.ProcessID})", admin);
                    await cancel.ExecuteNonQueryAsync();
                }

                await commit.WaitAsync(AtlasAppFixture.RequestTimeout);
                return waiting;
            },
            SettingTimeout,
            "commits on the primary did not start waiting for a synchronous standby");
    }

    /// <summary>A commit that writes WAL (a session-local table): what waits for a synchronous standby.</summary>
    private static async Task ProbeCommitAsync(NpgsqlConnection probe)
    {
        await using var write = new NpgsqlCommand($"CREATE TEMP TABLE sync_probe_{Guid.NewGuid():N} (id int)", probe);
        await write.ExecuteNonQueryAsync();
    }

    private static async Task<bool> IsWaitingForStandbyAsync(NpgsqlConnection admin, int pid, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            await using var state = new NpgsqlCommand("SELECT wait_event FROM pg_stat_activity WHERE pid = $1", admin);
            state.Parameters.Add(new() { Value = pid });
            if (await state.ExecuteScalarAsync() is "SyncRep")
            {
                return true;
            }

            await Task.Delay(20);
        }

        return false;
    }

    private static async Task<long> CountTransfersAsync(string connectionString, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM transfers WHERE idempotency_key = $1", connection);
        count.Parameters.Add(new() { Value = key });
        return (long)(await count.ExecuteScalarAsync())!;
    }
}
