using System.Net.Http.Json;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Ends every schedule the same way: every fault healed (servers thawed and started, Redis thawed, killed replicas
/// started), the bank home (a failover the manager left switching completed, then failback while region B writes,
/// each retried within a bound), the last failover's stranded transfers reconciled, sync mode off, region B subscribed
/// and streaming. Each step is an operation of the
/// history; <see cref="HealAsync"/> says whether the bank ended home.
/// </summary>
public static class NemesisHeal
{
    // Under load (the whole app and its load on two cores) a failback rebuilding region A takes over a minute.
    private static readonly TimeSpan HomeBound = TimeSpan.FromSeconds(300);
    private static readonly TimeSpan StreamingBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    public static async Task<(bool Home, string Detail)> HealAsync(NemesisFaultExecutor nemesis, TimeProvider timeProvider)
    {
        // Thaw and start before anything else: the DR calls need both databases, Redis and a manager.
        await nemesis.HealFaultsAsync();
        if (nemesis.Broken.Count > 0)
        {
            return (false, $"could not heal: {string.Join(", ", nemesis.Broken)}");
        }

        var home = await BringHomeAsync(nemesis, timeProvider);
        await nemesis.OperationAsync("sync-off", NemesisTarget.RegionADatabase,
            () => nemesis.ExecuteAsync(NemesisTarget.RegionADatabase, "ALTER SYSTEM RESET synchronous_standby_names; SELECT pg_reload_conf()", "off"));
        // What the last failover stranded, re-applied as an operator would after any failover (a failback does it
        // itself; a second failover back home does not); the checker then judges what is still missing.
        await nemesis.DrCallAsync("heal-reconcile", "/dr/reconcile", null);
        var streaming = await nemesis.OperationAsync("resume-replication", NemesisTarget.RegionBDatabase, async () =>
        {
            if (await nemesis.ReadAsync(NemesisTarget.RegionBDatabase, "SELECT count(*) FROM pg_subscription WHERE subname = $1",
                    LedgerReplication.SubscriptionName) is 0L)
            {
                return (OperationType.Fail, "region B has no subscription: nothing replicates region A's writes");
            }

            if (await nemesis.ReadAsync(NemesisTarget.RegionBDatabase, "SELECT subenabled FROM pg_subscription WHERE subname = $1",
                    LedgerReplication.SubscriptionName) is false)
            {
                var (type, detail) = await nemesis.ExecuteAsync(NemesisTarget.RegionBDatabase,
                    $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} ENABLE", "enabled");
                if (type != OperationType.Ok)
                {
                    return (type, detail);
                }
            }

            var started = timeProvider.GetTimestamp();
            while (timeProvider.GetElapsedTime(started) < StreamingBound)
            {
                if (await nemesis.ReadAsync(NemesisTarget.RegionBDatabase,
                        "SELECT count(*) FROM pg_stat_subscription WHERE subname = $1 AND received_lsn IS NOT NULL", LedgerReplication.SubscriptionName) is > 0L)
                {
                    return (OperationType.Ok, "streaming");
                }

                await Task.Delay(Poll, timeProvider);
            }

            return (OperationType.Fail, $"region B's subscription not streaming after {StreamingBound.TotalSeconds} s");
        });
        return (home.Home && streaming == OperationType.Ok, home.Detail + (streaming == OperationType.Ok ? string.Empty : "; region B not streaming"));
    }

    private static async Task<(bool Home, string Detail)> BringHomeAsync(NemesisFaultExecutor nemesis, TimeProvider timeProvider)
    {
        var started = timeProvider.GetTimestamp();
        var attempts = 0;
        while (timeProvider.GetElapsedTime(started) < HomeBound)
        {
            var state = await nemesis.DrStateAsync();
            if (state is not { } current)
            {
                await Task.Delay(Poll, timeProvider);
                continue;
            }

            var inProgress = current.GetProperty("InProgress").ValueKind != JsonValueKind.Null;
            var switching = current.GetProperty("Switching").GetBoolean();
            var active = current.GetProperty("ActiveRegion").GetString();
            if (inProgress || !await nemesis.RoutingStoredAsync())
            {
                // Nor while Redis lacks the routing (the state reads "home" then): the fence keeper rebuilds it within moments.
                // Never a DR call while one runs: it would only be refused (409), and the running one may bring the bank home.
                await Task.Delay(Poll, timeProvider);
                continue;
            }

            if (active == DrRegions.Home && !switching)
            {
                return (true, attempts == 0 ? "home" : $"home after {attempts} DR calls");
            }

            attempts++;
            // A switch whose coordinator died is the survivor's to finish or undo; a routing left switching with nothing
            // running (its last write lost to a Redis fault) is moved on by POST /dr/failover.
            var call = switching
                ? nemesis.DrCallAsync("heal-failover", "/dr/failover", JsonContent.Create(new { Reason = "nemesis heal", AcceptDataLoss = true }))
                : nemesis.DrCallAsync("heal-failback", "/dr/failback", null);
            await call;
            await Task.Delay(TimeSpan.FromSeconds(1), timeProvider);
        }

        return (false, $"not home after {HomeBound.TotalSeconds} s and {attempts} DR calls");
    }
}
