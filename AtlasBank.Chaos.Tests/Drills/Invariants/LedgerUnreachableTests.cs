using System.Net;
using System.Net.Sockets;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Drills.Invariants;

/// <summary>A ledger database that cannot be read is "could not check", never a verdict on the money.</summary>
public sealed class LedgerUnreachableTests
{
    private static readonly WorkloadEvidence Evidence = new([Guid.NewGuid(), Guid.NewGuid()], Guid.NewGuid(), 200m, [], []);

    [Fact]
    public async Task CheckingAgainstAPrimaryThatRefusesConnectionsThrowsLedgerUnreachableNamingThePrimary()
    {
        await using var down = NpgsqlDataSource.Create(RefusedConnectionString());
        var checker = new LedgerInvariantChecker(down, down, TimeProvider.System, Options.Create(new LedgerInvariantOptions()));

        var unreachable = await Assert.ThrowsAsync<LedgerUnreachableException>(
            () => checker.CheckAsync(Evidence, final: true, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.StartsWith("could not read the primary ledger database", unreachable.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitingForDrConvergenceWithThePrimaryDownThrowsLedgerUnreachable()
    {
        await using var down = NpgsqlDataSource.Create(RefusedConnectionString());
        var checker = new LedgerInvariantChecker(down, down, TimeProvider.System, Options.Create(new LedgerInvariantOptions()));

        await Assert.ThrowsAsync<LedgerUnreachableException>(
            () => checker.WaitForDrConvergenceAsync(Evidence.AccountIds, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    /// <summary>A loopback port nobody listens on: bound and released, so the connection is refused at once.</summary>
    private static string RefusedConnectionString()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"Host=127.0.0.1;Port={port};Username=ledger_auditor;Password=none;Database=ledgerdb;Timeout=2;Pooling=false";
    }
}
