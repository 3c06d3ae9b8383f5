using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// One schedule against the real app: from home, the workload starts; each step waits its delay and applies its
/// fault while the workload runs; then everything is healed and the bank brought home, the workload settles at home
/// and stops, and the checker judges the history and both databases.
/// </summary>
public static class NemesisScheduleRun
{
    public static async Task<NemesisVerdict> RunAsync(
        NemesisTarget target, LogicalLedgerHost ledgerHost, NemesisSchedule schedule, NemesisHistory history, NemesisOptions options, TimeProvider timeProvider)
    {
        var nemesis = new NemesisFaultExecutor(target, history);
        using var ledger = ledgerHost.CreateClient();
        var workload = new NemesisBankWorkload(ledger, history, timeProvider, options);

        // Unique per execution: CsCheck may run one seed twice (a replay, a shrink), keys must not meet.
        var runId = $"nem-{schedule.Seed}-{Guid.CreateVersion7():N}"[..40];
        var accounts = await workload.OpenAccountsAsync(runId, CancellationToken.None);

        using var stop = new CancellationTokenSource();
        var running = workload.RunAsync(accounts, stop.Token);
        var home = false;
        string homeDetail;
        try
        {
            foreach (var step in schedule.Steps)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(step.DelayMs), timeProvider);
                await nemesis.ApplyAsync(step);
            }
        }
        finally
        {
            (home, homeDetail) = await NemesisHeal.HealAsync(nemesis, timeProvider);
            if (home && !await TakesWritesAtHomeAsync(history, options.HomeWritesBound, timeProvider))
            {
                (home, homeDetail) = (false, $"{homeDetail}; region A acknowledged no transfer within {options.HomeWritesBound.TotalSeconds} s of the heal");
            }

            await Task.Delay(options.SettleAtHome, timeProvider);
            await stop.CancelAsync();
            await running;
        }

        history.Complete(NemesisFaultExecutor.Process, home ? OperationType.Ok : OperationType.Fail, "healed", homeDetail);
        return await new NemesisChecker(target, timeProvider).CheckAsync(accounts, history.Transfers, home, workload.Skipped, options.ConvergenceBound);
    }

    /// <summary>Whether region A acknowledges a transfer the workload invoked after the heal, within <paramref name="bound"/>.</summary>
    private static async Task<bool> TakesWritesAtHomeAsync(NemesisHistory history, TimeSpan bound, TimeProvider timeProvider)
    {
        var healedAt = history.Now;
        while (history.Now - healedAt < bound)
        {
            if (history.Transfers.Any(t => t.Type == OperationType.Ok && t.InvokedAt >= healedAt && t.Region == DrRegions.Home))
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider);
        }

        return false;
    }
}
