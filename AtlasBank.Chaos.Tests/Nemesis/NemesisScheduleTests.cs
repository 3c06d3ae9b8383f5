using AtlasBank.Chaos.Nemesis;

namespace AtlasBank.Chaos.Tests.Nemesis;

/// <summary>
/// Three fixed seeds of short schedules (at most 3 steps), each run against the real app under the bank workload
/// (60 transfers a second through http://ledger), healed and brought home, then judged by the nemesis's checker:
/// every acknowledged transfer once at home, no key twice, money conserved, both regions equal, the bank home, one
/// writer at a time. The seeds were picked for the faults they combine, before their outcome was known.
/// </summary>
[Collection(AtlasAppTests.Name)]
public sealed class NemesisScheduleTests(AtlasAppFixture fixture)
{
    private const int ShortSchedules = 3;
    // About a minute on a quiet machine; the bound is for a loaded one, where a failback alone can take over a minute.
    private static readonly TimeSpan ScheduleBound = TimeSpan.FromMinutes(8);

    [Theory]
    [InlineData("7mHoLSsFx7m1")] // replication paused, then a failover: transfers stranded on region A
    [InlineData("eKWKkPGzprl1")] // region A frozen, a failover, a second failover back to the stale region A
    [InlineData("3DTV553Lg4y1")] // a failback while home, region A stopped, region B frozen
    public async Task AFixedSeedsScheduleEndsHomeWithEveryAcknowledgedTransferOnceMoneyConservedRegionsEqualAndOneWriterAtATime(string seed)
    {
        var schedule = NemesisScheduleGen.FromSeed(seed, ShortSchedules);
        using var connecting = new CancellationTokenSource(AtlasAppFixture.RequestTimeout);
        using var target = await NemesisTarget.ConnectAsync(fixture.App, AtlasAppFixture.AdminKey, connecting.Token);
        await using var ledgerHost = await LogicalLedgerHost.StartAsync(fixture.App, connecting.Token);
        var history = new NemesisHistory(TimeProvider.System);

        var verdict = await NemesisScheduleRun.RunAsync(target, ledgerHost, schedule, history, new NemesisOptions { MaxSteps = ShortSchedules }, TimeProvider.System)
            .WaitAsync(ScheduleBound);

        Assert.True(verdict.Acknowledged > 0, $"{schedule}: no transfer acknowledged");
        Assert.True(verdict.Valid,
            $"{schedule} (replay: nemesis --seed {seed} --steps {ShortSchedules}): {string.Join("; ", verdict.Anomalies.Take(10))}\n" +
            string.Join('\n', history.Events.Where(e => e.Process == NemesisFaultExecutor.Process)));
    }
}
