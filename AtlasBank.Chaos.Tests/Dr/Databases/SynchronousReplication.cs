using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Dr.Databases;

/// <summary>
/// Synchronous mode switched at run time, as <c>Dr:SynchronousReplication</c> sets it at start: region A's
/// <c>synchronous_standby_names</c> names B's subscription (or is reset), through A's superuser.
/// </summary>
public static class SynchronousReplication
{
    private static readonly TimeSpan SettingBound = TimeSpan.FromSeconds(30);

    /// <summary>What region A's setting is in synchronous mode: the subscription's name, quoted.</summary>
    public const string StandbyNames = "\"ledger_dr_sub\"";

    /// <summary>
    /// Sets the mode and waits until it holds: on, until B's subscription is A's synchronous standby; off, until a
    /// commit on A returns (clearing the setting releases every commit waiting for a standby).
    /// </summary>
    public static async Task SetAsync(AtlasAppFixture fixture, bool synchronous)
    {
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
        await ExecuteAsync(admin, synchronous
            ? $"ALTER SYSTEM SET synchronous_standby_names = '{StandbyNames}'"
            : "ALTER SYSTEM RESET synchronous_standby_names");
        await ExecuteAsync(admin, "SELECT pg_reload_conf()");
        if (synchronous)
        {
            await Eventually.TrueAsync(async () => await ScalarAsync(admin,
                "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'ledger_dr_sub'") is "sync",
                SettingBound, "B's subscription to become A's synchronous standby");
            return;
        }

        await CommitOnRegionAAsync(fixture);
    }

    /// <summary>
    /// Waits until an ordinary commit on A waits for a synchronous standby (the setting applies asynchronously):
    /// probe commits are watched for the SyncRep wait; the one seen waiting is cancelled (it stays committed
    /// locally; it only creates a session-local table).
    /// </summary>
    public static async Task WaitUntilCommitsWaitForAStandbyAsync(AtlasAppFixture fixture)
    {
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
        await using var probe = await OpenAdminAsync(fixture, "ledgerdb");
        await Eventually.TrueAsync(async () =>
        {
            var commit = ProbeCommitAsync(probe);
            var waiting = false;
            var deadline = DateTime.UtcNow + TimeSpan.FromMilliseconds(500);
            while (!waiting && !commit.IsCompleted && DateTime.UtcNow < deadline)
            {
                waiting = await ScalarAsync(admin, $"SELECT wait_event FROM pg_stat_activity WHERE pid = {probe.ProcessID}") is "SyncRep";
                await Task.Delay(20);
            }

            if (waiting)
            {
                await ExecuteAsync(admin, $"SELECT pg_cancel_backend({probe.ProcessID})");
            }

            await commit.WaitAsync(AtlasAppFixture.RequestTimeout);
            return waiting;
        }, SettingBound, "commits on A did not start waiting for a synchronous standby");
    }

    /// <summary>One ordinary commit on A, returning: what holds when A waits for no standby (or its standby answers).</summary>
    public static async Task CommitOnRegionAAsync(AtlasAppFixture fixture)
    {
        await using var probe = await OpenAdminAsync(fixture, "ledgerdb");
        await ProbeCommitAsync(probe).WaitAsync(SettingBound);
    }

    /// <summary>A commit that writes WAL (a session-local table): what waits for a synchronous standby.</summary>
    private static async Task ProbeCommitAsync(NpgsqlConnection probe)
    {
        await using var write = new NpgsqlCommand($"CREATE TEMP TABLE sync_probe_{Guid.NewGuid():N} (id int)", probe);
        await write.ExecuteNonQueryAsync();
    }
}
