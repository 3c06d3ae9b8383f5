using System.Globalization;
using CsCheck;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Generated schedules through CsCheck against one running app (one thread: there is one app), a table row each.
/// Two phases, so that a table of N schedules really runs N: <b>explore</b> runs every schedule CsCheck draws and
/// records the anomalies; <b>shrink</b> then hands the smallest failing seed back to CsCheck, which runs it again and
/// then only schedules smaller than the smallest failure so far (its shrinking), for a bounded number of draws, and
/// names the seed of the smallest that still failed. <c>--seed</c> replays one schedule (with the same
/// <c>--steps</c>: the generator's bounds are part of what a seed means).
/// </summary>
public static class NemesisCheck
{
    public const string Header = "| # | seed | steps | sent/s | acknowledged | fail | info (present/absent) | skipped | lost | doubled | renumbered | money delta | regions equal | home | split-brain | faults |";
    public const string Rule = "|---:|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|";

    /// <summary>Runs <paramref name="schedules"/> (or replays <paramref name="seed"/>), then shrinks the smallest failure within <paramref name="shrinkDraws"/>.</summary>
    /// <returns>The seed of the smallest failing schedule (null: every schedule held), and every schedule's verdict.</returns>
    /// <param name="restart">
    /// A fresh app, for after a schedule that could not bring the bank home (e.g. region B left unsubscribed): every later
    /// schedule would inherit the broken topology and fail for it. Null: go on with the same app.
    /// </param>
    public static async Task<(string? FailingSeed, IReadOnlyList<NemesisVerdict> Verdicts)> RunAsync(
        NemesisTarget target, int schedules, string? seed, int shrinkDraws, NemesisOptions options, TextWriter output, TimeProvider timeProvider,
        Func<Task<NemesisTarget>>? restart = null)
    {
        var ledgerHost = await LogicalLedgerHost.StartAsync(target.App, CancellationToken.None);
        try
        {
            return await RunAsync();
        }
        finally
        {
            await ledgerHost.DisposeAsync();
        }

        // Explore and shrink, on whichever app is current: a restart replaces the target and the ledger host.
        async Task<(string?, IReadOnlyList<NemesisVerdict>)> RunAsync()
        {
            var verdicts = new List<NemesisVerdict>();
            var failures = new List<NemesisSchedule>();
            var gen = NemesisScheduleGen.Schedules(options.MaxSteps);

            var harnessErrors = 0;
            async Task<bool> RunOneAsync(NemesisSchedule schedule)
            {
                var verdict = await RunAndPrintAsync(target, ledgerHost, schedule, verdicts.Count + harnessErrors + 1, options, output, timeProvider);
                if (verdict is null)
                {
                    // The harness could not set up or read the app: no verdict about the system, and no failure for CsCheck to shrink.
                    harnessErrors++;
                    return true;
                }

                verdicts.Add(verdict);
                if (!verdict.Valid)
                {
                    failures.Add(schedule);
                }

                if (!verdict.Home && restart is not null)
                {
                    output.WriteLine("(the bank could not be brought home: the next schedule runs on a fresh app)");
                    await ledgerHost.DisposeAsync();
                    target = await restart();
                    ledgerHost = await LogicalLedgerHost.StartAsync(target.App, CancellationToken.None);
                }

                return verdict.Valid;
            }

            output.WriteLine(Header);
            output.WriteLine(Rule);
            if (seed is not null)
            {
                await Check.SampleAsync(gen, async schedule => { await RunOneAsync(schedule); }, writeLine: _ => { }, seed: seed, iter: 1, threads: 1);
                return (failures.Count > 0 ? seed : null, verdicts);
            }

            // Explore: every draw runs and is reported, whatever the ones before found.
            await Check.SampleAsync(gen, async schedule => { await RunOneAsync(schedule); }, writeLine: _ => { }, iter: schedules, threads: 1);
            if (failures.Count == 0)
            {
                return (null, verdicts);
            }

            var smallest = failures.OrderBy(s => s.Steps.Count).ThenBy(s => s.Steps.Sum(step => step.DelayMs)).First();
            if (shrinkDraws <= 0)
            {
                return (smallest.Seed, verdicts);
            }

            output.WriteLine();
            output.WriteLine($"shrinking from seed {smallest.Seed} ({smallest.Steps.Count} steps), {shrinkDraws} draws: CsCheck runs only schedules smaller than the smallest failure so far");
            output.WriteLine(Header);
            output.WriteLine(Rule);
            try
            {
                await Check.SampleAsync(gen, RunOneAsync, writeLine: output.WriteLine, seed: smallest.Seed, iter: shrinkDraws, threads: 1,
                    print: schedule => schedule.ToString());
                return (smallest.Seed, verdicts);
            }
            catch (CsCheckException failure)
            {
                output.WriteLine();
                output.WriteLine($"CsCheck: {failure.Message}");
                return (ParseSeed(failure.Message) ?? smallest.Seed, verdicts);
            }
        }
    }

    /// <returns>The verdict, or null when the harness itself failed (printed with the history so far).</returns>
    private static async Task<NemesisVerdict?> RunAndPrintAsync(
        NemesisTarget target, LogicalLedgerHost ledgerHost, NemesisSchedule schedule, int number, NemesisOptions options, TextWriter output, TimeProvider timeProvider)
    {
        var history = new NemesisHistory(timeProvider);
        NemesisVerdict verdict;
        try
        {
            verdict = await NemesisScheduleRun.RunAsync(target, ledgerHost, schedule, history, options, timeProvider);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The harness itself failed (the app could not be set up or read): no verdict; the history so far.
            output.WriteLine($"| {number} | {schedule.Seed} | {schedule.Steps.Count} | harness error: {ex.GetType().Name}: {ex.Message} |");
            Print(output, history);
            return null;
        }

        output.WriteLine(Row(number, schedule, verdict));
        if (!verdict.Valid)
        {
            output.WriteLine();
            output.WriteLine($"ANOMALY, seed {schedule.Seed} (replay: nemesis --seed {schedule.Seed} --steps {options.MaxSteps}): {schedule}");
            foreach (var anomaly in verdict.Anomalies)
            {
                output.WriteLine($"  - {anomaly}");
            }

            Print(output, history);
            output.WriteLine();
        }

        output.Flush();
        return verdict;
    }

    private static void Print(TextWriter output, NemesisHistory history)
    {
        output.WriteLine("  history:");
        foreach (var line in history.Events)
        {
            output.WriteLine($"  {line}");
        }
    }

    public static string Row(int number, NemesisSchedule schedule, NemesisVerdict v) => string.Create(CultureInfo.InvariantCulture,
        $"| {number} | {schedule.Seed} | {schedule.Steps.Count} | {v.SentPerSecond:0} | {v.Acknowledged} | {v.Failed} | {v.Info} ({v.InfoPresent}/{v.InfoAbsent}) | {v.Skipped} | {v.Lost} | {v.Doubled} | {v.Renumbered} | {v.MoneyDelta:0.00} | {(v.RegionsEqual ? "yes" : "NO")} | {(v.Home ? "yes" : "NO")} | {v.SplitBrain.Count} | {string.Join(" ", schedule.Steps.Select(s => s.Fault))} |");

    /// <summary>CsCheck's message begins <c>Set seed: "…"</c>.</summary>
    private static string? ParseSeed(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }
}
