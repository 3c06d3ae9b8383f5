using System.Text.Json;
using AtlasBank.Chaos.Tests.Dr.Failover;
using Microsoft.Extensions.DependencyInjection;

namespace AtlasBank.Chaos.Tests.Provisioning;

/// <summary>
/// The provisioning is safe to run at any time: deployed it may run again on any restart, also while region B writes.
/// It reads the DR state from the databases and never re-grants a fenced region, re-subscribes or truncates anything.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class ReprovisioningTests(AtlasAppFixture fixture) : IAsyncLifetime, IDisposable
{
    private const string Provisioning = "provisioning";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan RunBound = TimeSpan.FromMinutes(2);
    private readonly DrClient _dr = new(fixture);

    public Task InitializeAsync() => _dr.RestoreHomeAsync();

    public Task DisposeAsync() => _dr.RestoreHomeAsync();

    public void Dispose() => _dr.Dispose();

    [Fact]
    public async Task RunningTheProvisioningAgainAfterAFailoverAndAfterAFailbackChangesNothing()
    {
        var (funding, customer) = await _dr.RegionA.CreateFundedPairAsync(80m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 80m, Bound);

        using (var failover = await _dr.FailoverAsync("provisioning runs again while region B writes"))
        {
            await DrClient.ReadRecordAsync(failover);
        }

        await _dr.RegionB.PostAcknowledgedAsync(customer.Id, funding.Id, 7m);
        var afterFailover = await DrStateAsync();
        Assert.Equal(("fenced", "writer"), (afterFailover.RoleA, afterFailover.RoleB));
        await RunProvisioningAgainAsync();
        Assert.Equal(afterFailover, await DrStateAsync());
        // Region A stays fenced: its ledger still refuses, naming the writer.
        using (var refused = await _dr.RegionA.PostTransferAsync(customer.Id, funding.Id, 1m))
        {
            Assert.Equal(System.Net.HttpStatusCode.Conflict, refused.StatusCode);
        }

        using (var failback = await _dr.FailbackAsync())
        {
            await DrClient.ReadRecordAsync(failback);
        }

        var afterFailback = await DrStateAsync();
        Assert.Equal(("writer", "fenced", true), (afterFailback.RoleA, afterFailback.RoleB, afterFailback.SubscribedB));
        await RunProvisioningAgainAsync();
        Assert.Equal(afterFailback, await DrStateAsync());
        await _dr.RegionA.PostAcknowledgedAsync(customer.Id, funding.Id, 3m);
        await _dr.RegionB.WaitForBalanceAsync(customer.Id, 80m - 7m - 3m, Bound);
    }

    /// <summary>Starts the finished provisioning resource again, as an operator's restart (or the platform's) would.</summary>
    private async Task RunProvisioningAgainAsync()
    {
        var notifications = fixture.App.ResourceNotifications;
        var before = (await notifications.WaitForResourceAsync(Provisioning, e => e.Snapshot.State?.Text == "Finished").WaitAsync(RunBound)).Snapshot.StartTimeStamp;
        var commands = fixture.App.Services.GetRequiredService<ResourceCommandService>();
        var started = await commands.ExecuteCommandAsync(Provisioning, "resource-start").WaitAsync(RunBound);
        Assert.True(started.Success, started.Message);
        var finished = await notifications.WaitForResourceAsync(Provisioning,
            e => e.Snapshot.StartTimeStamp > before && e.Snapshot.State?.Text is "Finished" or "Exited" or "FailedToStart").WaitAsync(RunBound);
        Assert.Equal(("Finished", 0), (finished.Snapshot.State?.Text, finished.Snapshot.ExitCode));
    }

    /// <summary>Everything a provisioning could undo: roles, epochs, grants, the subscription, the mode, the money and the versions.</summary>
    private async Task<DrSnapshot> DrStateAsync() => new(
        (string)(await _dr.ScalarAsync("ledgerdb", "SELECT role FROM dr.role()"))!,
        (string)(await _dr.ScalarAsync("ledgerdb-dr", "SELECT role FROM dr.role()"))!,
        (long)(await _dr.ScalarAsync("ledgerdb", "SELECT epoch FROM dr.role()"))!,
        (long)(await _dr.ScalarAsync("ledgerdb-dr", "SELECT epoch FROM dr.role()"))!,
        (bool)(await _dr.ScalarAsync("ledgerdb", "SELECT dr.writes_granted()"))!,
        (bool)(await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.writes_granted()"))!,
        (bool)(await _dr.ScalarAsync("ledgerdb-dr", "SELECT dr.subscribed()"))!,
        (string)(await _dr.ScalarAsync("ledgerdb", "SELECT current_setting('synchronous_standby_names')"))!,
        (long)(await _dr.ScalarAsync("ledgerdb", "SELECT count(*) FROM transfers"))!,
        (long)(await _dr.ScalarAsync("ledgerdb-dr", "SELECT count(*) FROM transfers"))!,
        JsonSerializer.Serialize(await _dr.ScalarAsync("ledgerdb", "SELECT array_agg(version || ':' || applied_at ORDER BY version) FROM provisioning.applied")),
        JsonSerializer.Serialize(await _dr.ScalarAsync("ledgerdb-dr", "SELECT array_agg(version || ':' || applied_at ORDER BY version) FROM provisioning.applied")));

    private sealed record DrSnapshot(
        string RoleA, string RoleB, long EpochA, long EpochB, bool WritesA, bool WritesB, bool SubscribedB, string SynchronousStandbys,
        long TransfersA, long TransfersB, string VersionsA, string VersionsB);
}
