using System.Globalization;
using CsCheck;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// N generated schedules through CsCheck against one running app, one table row each. CsCheck draws the schedules
/// (one thread: there is one app), and once one fails it keeps drawing, running only smaller schedules than the
/// smallest failure so far (its shrinking); it ends by naming the smallest failing schedule's seed, which
/// <c>--seed</c> replays. For every anomaly the row is followed by the schedule's seed and its full history.
/// </summary>
public static class NemesisCheck
{
    public const string Header = "| # | seed | steps | acknowledged | fail | info (present/absent) | skipped | lost | doubled | renumbered | money delta | regions equal | home | split-brain | faults |";
    public const string Rule = "|---:|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---|---:|---|";

    /// <returns>The failing seed CsCheck settled on (null: every schedule held), and every schedule's verdict.</returns>
    public static async Task<(string? FailingSeed, IReadOnlyList<NemesisVerdict> Verdicts)> RunAsync(
        NemesisTarget target, int schedules, string? seed, NemesisOptions options, TextWriter output, TimeProvider timeProvider)
    {
        await using var ledgerHost = await LogicalLedgerHost.StartAsync(target.App, CancellationToken.None);
        var verdicts = new List<NemesisVerdict>();
        output.WriteLine(Header);
        output.WriteLine(Rule);
        try
        {
            await Check.SampleAsync(NemesisScheduleGen.Schedules(options.MaxSteps), async schedule =>
            {
                var (verdict, history) = await NemesisScheduleRun.RunAsync(target, ledgerHost, schedule, options, timeProvider);
                verdicts.Add(verdict);
                output.WriteLine(Row(verdicts.Count, schedule, verdict));
                if (!verdict.Valid)
                {
                    output.WriteLine();
                    output.WriteLine($"ANOMALY, seed {schedule.Seed} (replay: nemesis --seed {schedule.Seed}): {schedule}");
                    foreach (var anomaly in verdict.Anomalies)
                    {
                        output.WriteLine($"  - {anomaly}");
                    }

                    output.WriteLine("  history:");
                    foreach (var line in history.Events)
                    {
                        output.WriteLine($"  {line}");
                    }

                    output.WriteLine();
                    output.WriteLine(Header);
                    output.WriteLine(Rule);
                }

                output.Flush();
                return verdict.Valid;
            }, writeLine: output.WriteLine, seed: seed, iter: schedules, threads: 1, print: schedule => schedule.ToString());
            return (null, verdicts);
        }
        catch (CsCheckException failure)
        {
            output.WriteLine();
            output.WriteLine($"CsCheck: {failure.Message}");
            return (ParseSeed(failure.Message), verdicts);
        }
    }

    public static string Row(int number, NemesisSchedule schedule, NemesisVerdict v) => string.Create(CultureInfo.InvariantCulture,
        $"| {number} | {schedule.Seed} | {schedule.Steps.Count} | {v.Acknowledged} | {v.Failed} | {v.Info} ({v.InfoPresent}/{v.InfoAbsent}) | {v.Skipped} | {v.Lost} | {v.Doubled} | {v.Renumbered} | {v.MoneyDelta:0.00} | {(v.RegionsEqual ? "yes" : "NO")} | {(v.Home ? "yes" : "NO")} | {v.SplitBrain.Count} | {string.Join(" ", schedule.Steps.Select(s => s.Fault))} |");

    /// <summary>CsCheck's message begins <c>Set seed: "…"</c>.</summary>
    private static string? ParseSeed(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        return end > start ? message[(start + 1)..end] : null;
    }
}
