using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Nemesis;
using Npgsql;

namespace AtlasBank.Chaos.Tests.Nemesis;

/// <summary>The checker can fail: a transfer the workload saw acknowledged, deleted by hand, is reported lost.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class NemesisCheckerTests(AtlasAppFixture fixture)
{
    [Fact]
    public async Task AnAcknowledgedTransferDeletedByHandIsReportedLostByKeyAndByTheDrillsInvariant()
    {
        using var connecting = new CancellationTokenSource(AtlasAppFixture.RequestTimeout);
        using var target = await NemesisTarget.ConnectAsync(fixture.App, AtlasAppFixture.AdminKey, connecting.Token);
        await using var ledgerHost = await LogicalLedgerHost.StartAsync(fixture.App, connecting.Token);
        using var ledger = ledgerHost.CreateClient();
        var history = new NemesisHistory(TimeProvider.System);
        var workload = new NemesisBankWorkload(ledger, history, TimeProvider.System, new NemesisOptions());
        var accounts = await workload.OpenAccountsAsync($"nem-lost-{Guid.NewGuid():N}"[..20], CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await workload.RunAsync(accounts, stop.Token).WaitAsync(AtlasAppFixture.RequestTimeout);
        }

        var victim = history.Transfers.First(t => t.Type == OperationType.Ok);
        await using var regionA = new NpgsqlConnection(target.RegionAConnectionString);
        await regionA.OpenAsync();
        await ExecuteAsync(regionA, "CREATE TEMP TABLE saved_transfer AS SELECT * FROM transfers WHERE id = $1", victim.TransferId!.Value);
        await ExecuteAsync(regionA, "CREATE TEMP TABLE saved_entries AS SELECT * FROM entries WHERE transfer_id = $1", victim.TransferId!.Value);
        await ExecuteAsync(regionA, "DELETE FROM entries WHERE transfer_id = $1", victim.TransferId!.Value);
        await ExecuteAsync(regionA, "DELETE FROM transfers WHERE id = $1", victim.TransferId!.Value);
        try
        {
            var verdict = await new NemesisChecker(target, TimeProvider.System)
                .CheckAsync(accounts, history.Transfers, home: true, skipped: 0, TimeSpan.FromSeconds(30)).WaitAsync(TimeSpan.FromMinutes(1));

            Assert.Equal(1, verdict.Lost);
            Assert.False(verdict.Valid);
            Assert.Contains(verdict.Anomalies, anomaly => anomaly.StartsWith($"lost: {victim.IdempotencyKey} ", StringComparison.Ordinal));
            var exactlyOnce = Assert.Single(verdict.Invariants, result => result.Invariant == LedgerInvariantNames.AcknowledgedExactlyOnce);
            Assert.False(exactlyOnce.Holds);
            Assert.Contains(victim.IdempotencyKey, exactlyOnce.Evidence, StringComparison.Ordinal);
            Assert.Equal(0, verdict.Doubled);
            Assert.Empty(verdict.SplitBrain);
        }
        finally
        {
            // Put it back as it was, for the tests that check the whole ledger after this one.
            await ExecuteAsync(regionA, "INSERT INTO transfers SELECT * FROM saved_transfer");
            await ExecuteAsync(regionA, "INSERT INTO entries SELECT * FROM saved_entries");
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new() { Value = parameter });
        }

        await command.ExecuteNonQueryAsync().WaitAsync(AtlasAppFixture.RequestTimeout);
    }
}
