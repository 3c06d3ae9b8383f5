using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Workload;
using AtlasBank.Chaos.Tests.Drills.Workload;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Drills.Invariants;

/// <summary>The money invariants, read from the real ledger databases as the read-only auditor, catch what they must.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class LedgerInvariantCheckerTests(AtlasAppFixture fixture) : IAsyncLifetime
{
    private DrillWorkloadHost? _drills;

    private DrillWorkloadHost Drills => _drills!;

    public async Task InitializeAsync() => _drills = await DrillWorkloadHost.StartAsync(fixture);

    public async Task DisposeAsync()
    {
        if (_drills is not null)
        {
            await _drills.DisposeAsync();
        }
    }

    [Fact]
    public async Task ABalanceChangedDirectlyInThePrimaryDatabaseViolatesConservationAndEntriesEqualBalancesNamingThatAccount()
    {
        var workload = await Drills.PrepareAsync(new WorkloadPlan(RatePerSecond: 10, Clients: 2, Accounts: 3));
        await workload.RunAsync(10, 2, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        var tampered = workload.AccountIds[1];
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
        await ExecuteAsync(admin, $"UPDATE accounts SET balance = balance + 1 WHERE id = '{tampered}'");
        IReadOnlyList<InvariantResult> invariants;
        try
        {
            invariants = await Drills.Checker.CheckAsync(workload, final: false, CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        }
        finally
        {
            // The ledger is shared by the suite: leave it as consistent as it was.
            await ExecuteAsync(admin, $"UPDATE accounts SET balance = balance - 1 WHERE id = '{tampered}'");
        }

        var conservation = invariants.Single(result => result.Invariant == LedgerInvariantNames.Conservation);
        Assert.False(conservation.Holds);
        Assert.Equal([tampered], conservation.Accounts);
        Assert.Contains($"funded {MoneyText.Of(workload.FundedTotal)} (+1.00)", conservation.Evidence, StringComparison.Ordinal);
        Assert.Contains($"account {tampered} balance", conservation.Evidence, StringComparison.Ordinal);
        var entries = invariants.Single(result => result.Invariant == LedgerInvariantNames.EntriesEqualBalances);
        Assert.False(entries.Holds);
        Assert.Equal([tampered], entries.Accounts);
        Assert.Contains("(+1.00)", entries.Evidence, StringComparison.Ordinal);
        Assert.All(invariants.Where(result => result.Invariant is LedgerInvariantNames.NoNegativeBalance or LedgerInvariantNames.AcknowledgedExactlyOnce),
            result => Assert.True(result.Holds, $"{result.Invariant}: {result.Evidence}"));
    }

    [Fact]
    public async Task AnAcknowledgedTransferThatDoesNotExistViolatesAcknowledgedExactlyOnceNamingItAndItsAccounts()
    {
        var workload = await Drills.PrepareAsync(new WorkloadPlan(RatePerSecond: 10, Clients: 2, Accounts: 3));
        await workload.RunAsync(10, 2, TimeSpan.FromSeconds(1), CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);
        var real = workload.Evidence();
        // An acknowledgement the ledger never gave: the id it "returned" names no transfer.
        var forged = real.Requests[0] with { IdempotencyKey = $"forged-{Guid.NewGuid():N}", TransferId = Guid.CreateVersion7() };
        var evidence = real with { Requests = [.. real.Requests, forged] };

        var invariants = await Drills.Checker.CheckAsync(evidence, final: true, CancellationToken.None).WaitAsync(DrillWorkloadHost.PhaseBound);

        var acknowledged = invariants.Single(result => result.Invariant == LedgerInvariantNames.AcknowledgedExactlyOnce);
        Assert.False(acknowledged.Holds);
        Assert.Equal([forged.TransferId!.Value.ToString()], acknowledged.Transfers);
        Assert.Equal([forged.From, forged.To], acknowledged.Accounts);
        Assert.Contains($"transfer {forged.TransferId} (Idempotency-Key {forged.IdempotencyKey}) was acknowledged but does not exist", acknowledged.Evidence, StringComparison.Ordinal);
        Assert.All(invariants.Where(result => result.Invariant != LedgerInvariantNames.AcknowledgedExactlyOnce),
            result => Assert.True(result.Holds, $"{result.Invariant}: {result.Evidence}"));
    }
}
