using System.Globalization;
using System.Text;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Workload;
using static AtlasBank.Chaos.Manager.Drills.Reports.ReportFormat;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// A run's report as one self-contained HTML page (<c>GET /drills/runs/{id}/report.html</c>) that an SRE reads at a
/// glance and an auditor prints: the verdict and why, who ran what and when, the timeline as an inline SVG, the
/// failover (RTO, RPO, the fence, the failback's reconciliation) when the run failed over, the hypothesis before,
/// during and after, the money invariants with their evidence, the workload, every step, and the
/// audit chain's heads that tie the page to the tamper-evident record. It is well-formed XHTML, fetches nothing
/// (no scripts, links, images or fonts; its Content-Security-Policy forbids them too), and escapes every value.
/// </summary>
public static class DrillReportHtml
{
    public static string Render(DrillReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var origin = report.StartedAt ?? report.CreatedAt;
        var html = new StringBuilder(64 * 1024);

        html.Append(Invariant, $"""
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8" />
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Drill report: {E(report.Drill)}, run {E(report.RunId)}: {E(report.State)}</title>
            <style>
            {DrillReportCss.Sheet}
            </style>
            </head>
            <body>
            <main>

            """);

        Header(html, report);
        Run(html, report);
        Timeline(html, report);
        DrillReportFailoverHtml.Render(html, report, origin);
        Hypothesis(html, report, origin);
        Invariants(html, report, origin);
        WorkloadSection(html, report);
        Steps(html, report, origin);
        AuditChain(html, report);

        html.Append(Invariant, $"""
            <footer>Drill run <code>{E(report.RunId)}</code>. All times are UTC; "+N s" counts seconds from the run's start ({Utc(origin)}). This page is the run's stored evidence as the manager read it; the JSON form is <code>GET /drills/runs/{E(report.RunId)}/report</code>.</footer>
            </main>
            </body>
            </html>

            """);
        return html.ToString();
    }

    private static string E(string? text) => HtmlText.Escape(text);

    private static void Header(StringBuilder html, DrillReport report)
    {
        var badge = report.State switch
        {
            DrillRunStates.Passed or DrillRunStates.Failed or DrillRunStates.Aborted or DrillRunStates.Running or DrillRunStates.Pending => report.State,
            _ => "other",
        };
        var reason = report.Reason switch
        {
            { Length: > 0 } given => E(given),
            _ when report.State == DrillRunStates.Running => "The run is still going: this page holds the evidence so far.",
            _ when report.State == DrillRunStates.Pending => "The run has not started yet.",
            _ => "<span class=\"muted\">No reason recorded.</span>",
        };

        html.Append(Invariant, $"""
            <header>
            <h1>{E(report.Title)}</h1>
            <p class="subtitle">Drill <code>{E(report.Drill)}</code> · run <code>{E(report.RunId)}</code> · target service <code>{E(report.Target)}</code></p>
            <div class="verdict"><span class="badge {badge}" id="verdict">{DrillTimelineSvg.VerdictSymbol(report.State)} {E(report.State.ToUpperInvariant())}</span>
            <p class="reason" id="reason"><strong>Reason:</strong> {reason}</p></div>
            </header>

            """);
    }

    private static void Run(StringBuilder html, DrillReport report)
    {
        var duration = (report.StartedAt, report.EndedAt) switch
        {
            ({ } started, { } ended) => Duration(ended - started),
            ({ }, null) => "still running",
            _ => "not started",
        };
        var rate = report.Parameters.RatePerSecond is { } perSecond
            ? $"{perSecond} transfers/s (overridden for every workload step)"
            : "each workload step's own";

        html.Append(Invariant, $"""
            <section id="run">
            <h2>The run</h2>
            <table class="facts">
            <tr><th>Started by (API key id)</th><td><code>{(report.StartedBy is null ? "unknown" : E(report.StartedBy))}</code></td></tr>
            <tr><th>Created</th><td>{Utc(report.CreatedAt)}</td></tr>
            <tr><th>Started</th><td>{Utc(report.StartedAt)}</td></tr>
            <tr><th>Ended</th><td>{(report.EndedAt is null ? "— (not ended)" : Utc(report.EndedAt))}</td></tr>
            <tr><th>Duration</th><td>{duration}</td></tr>
            <tr><th>Parameters</th><td>DurationSeconds <strong>{report.Parameters.DurationSeconds}</strong> (the run's length and deadline) · RatePerSecond <strong>{rate}</strong></td></tr>
            <tr><th>Target service</th><td><code>{E(report.Target)}</code></td></tr>
            </table>
            <p><strong>Objective</strong></p>
            <p class="objective">{E(report.Objective)}</p>
            </section>

            """);
    }

    private static void Timeline(StringBuilder html, DrillReport report)
    {
        html.Append("""
            <section id="timeline">
            <h2>Timeline</h2>
            <figure>

            """);
        html.Append(DrillTimelineSvg.Render(report));
        var caption = report.Timeline.Count > 0
            ? "x: seconds since the run started. Shaded: while chaos was on (service · mode, from the drill's enable to its disable). Bars: acknowledged transfers each second (left axis); dashed line with squares: the share of requests rejected or unknown (right axis, %). Lower panel: p50 (solid) and p99 (dashed) latency of the workload's requests. "
            : "x: seconds since the run started. Shaded: while chaos was on (service · mode, from the drill's enable to its disable). ";
        if (FailoverMoments.Any(report))
        {
            caption += "Writer lane: the writer moving between regions (from the fault to the promotion, and the failback), and the failed-over region serving, shaded lightly across the panels. Dotted lines: the failover's moments (fault, detected, promoted, first write, 90 % throughput, back home). ";
        }

        caption += "Vertical lines: steps (dashed: rollback), numbered as in the steps tables. One lane per hypothesis probe: ● held, ✕ violated, ○ skipped. The bold line marks the verdict.";
        html.Append(Invariant, $"""

            <figcaption>{caption}</figcaption>
            </figure>
            </section>

            """);
    }

    private static void Hypothesis(StringBuilder html, DrillReport report, DateTimeOffset origin)
    {
        html.Append("""
            <section id="hypothesis">
            <h2>Hypothesis: steady state before, during and after</h2>

            """);
        var probes = HypothesisSummary.Of(report.Checks);
        if (probes.Count == 0)
        {
            html.Append("<p class=\"muted\">No probe has been checked yet.</p>\n</section>\n");
            return;
        }

        html.Append("<table class=\"grid\"><thead><tr><th>Probe</th><th>Before</th><th>During</th><th>After</th></tr></thead><tbody>\n");
        foreach (var probe in probes)
        {
            html.Append(Invariant, $"<tr><td class=\"nowrap\"><strong>{E(probe.Probe)}</strong><br /><span class=\"small muted\">{E(probe.Kind)}</span></td>")
                .Append(Invariant, $"<td>{Tally(probe.Before, origin)}</td><td>{Tally(probe.During, origin)}</td><td>{Tally(probe.After, origin)}</td></tr>\n");
        }

        html.Append("</tbody></table>\n</section>\n");
    }

    private static string Tally(PhaseTally tally, DateTimeOffset origin)
    {
        var skipped = tally.Skipped > 0 ? $"<br /><span class=\"small muted\">○ {tally.Skipped} skipped</span>" : string.Empty;
        return tally switch
        {
            { Checks: 0 } => "<span class=\"muted\">not checked</span>",
            { FirstViolation: { } first } =>
                $"<span class=\"bad\">✕ violated {tally.Violated} of {tally.Checks}</span>{skipped}<br /><span class=\"small\">first at {Offset(first.At, origin)}: {E(first.Detail)}</span>",
            { Held: > 0, Last: { } last } =>
                $"<span class=\"ok\">✓ held {tally.Held} of {tally.Checks}</span>{skipped}<br /><span class=\"small\">last at {Offset(last.At, origin)}: {E(last.Detail)}</span>",
            { Last: { } last } =>
                $"<span class=\"muted\">○ skipped {tally.Skipped}</span><br /><span class=\"small\">{E(last.Detail)}</span>",
            _ => "<span class=\"muted\">not checked</span>",
        };
    }

    private static void Invariants(StringBuilder html, DrillReport report, DateTimeOffset origin)
    {
        html.Append("""
            <section id="invariants">
            <h2>Money invariants</h2>

            """);
        var invariants = InvariantSummary.Of(report.Invariants);
        if (invariants.Count == 0)
        {
            var none = report.Workload is null ? "This drill runs no workload, so no money invariant applies." : "No invariant has been checked yet.";
            html.Append(Invariant, $"<p class=\"muted\">{none}</p>\n</section>\n");
            return;
        }

        html.Append("<table class=\"grid\"><thead><tr><th>Invariant</th><th>Result</th><th>Evidence</th><th>Accounts involved</th><th>Transfers involved</th></tr></thead><tbody>\n");
        foreach (var invariant in invariants)
        {
            var result = invariant.Holds
                ? $"<span class=\"ok\">✓ HELD</span><br /><span class=\"small\">in {invariant.Checks} check{Plural(invariant.Checks)}</span>"
                : $"<span class=\"bad\">✕ VIOLATED</span><br /><span class=\"small\">in {invariant.Violations} of {invariant.Checks} check{Plural(invariant.Checks)}</span>";
            var which = invariant.Holds ? "last check" : "first violation";
            html.Append(Invariant, $"<tr class=\"invariant\"><td class=\"nowrap\"><strong>{E(invariant.Invariant)}</strong></td><td class=\"nowrap\">{result}</td>")
                .Append(Invariant, $"<td><span class=\"small muted\">{which}, {Offset(invariant.Deciding.At, origin)}:</span> {E(invariant.Deciding.Evidence)}</td>")
                .Append(Invariant, $"<td>{Ids(invariant.Accounts.Select(id => id.ToString()))}</td><td>{Ids(invariant.Transfers)}</td></tr>\n");
        }

        html.Append("</tbody></table>\n</section>\n");
    }

    private static string Ids(IEnumerable<string> ids)
    {
        var list = ids.ToList();
        return list.Count == 0 ? "<span class=\"muted\">—</span>" : string.Join("<br />", list.Select(id => $"<code>{E(id)}</code>"));
    }

    private static string Plural(long count) => count == 1 ? string.Empty : "s";

    private static void WorkloadSection(StringBuilder html, DrillReport report)
    {
        html.Append("""
            <section id="workload">
            <h2>Workload</h2>

            """);
        if (report.Workload is not { } workload)
        {
            html.Append("<p class=\"muted\">This drill runs no workload.</p>\n");
        }
        else
        {
            html.Append(Invariant, $"""
                <table class="facts">
                <tr><th>Requests</th><td>{Number(workload.Requests)}: <strong>{Number(workload.Acknowledged)}</strong> acknowledged, <strong>{Number(workload.Rejected)}</strong> rejected, <strong>{Number(workload.Unknown)}</strong> unknown (outcome looked up afterwards)</td></tr>
                <tr><th>Error rate</th><td>{Percent(ErrorRate(workload))}</td></tr>
                <tr><th>Throughput</th><td>{Number(workload.ThroughputPerSecond, "0.#")} acknowledged transfers/s (target {workload.RatePerSecond}/s from {workload.Clients} clients)</td></tr>
                <tr><th>Latency</th><td>p50 {Milliseconds(workload.P50Ms)} · p99 {Milliseconds(workload.P99Ms)}</td></tr>
                <tr><th>Money</th><td>{workload.FundedTotal.ToString("#,0.00", CultureInfo.InvariantCulture)} funded into {workload.AccountIds.Count} account{Plural(workload.AccountIds.Count)} from funding account <code>{workload.FundingAccountId}</code></td></tr>
                <tr><th>Accounts</th><td class="small">{string.Join(" ", workload.AccountIds.Select(id => $"<code>{id}</code>"))}</td></tr>
                </table>

                """);
        }

        var convergence = report.DrConvergenceSeconds is { } seconds
            ? $"DR's balances equalled the primary's <strong>{Number(seconds, "0.###")} s</strong> after the workload stopped."
            : "DR convergence was not measured in this run.";
        html.Append(Invariant, $"<p id=\"dr-convergence\"><strong>DR convergence:</strong> {convergence}</p>\n</section>\n");
    }

    private static double? ErrorRate(WorkloadSummary workload) =>
        workload.Requests == 0 ? null : (double)(workload.Rejected + workload.Unknown) / workload.Requests;

    private static void Steps(StringBuilder html, DrillReport report, DateTimeOffset origin)
    {
        html.Append("""
            <section id="steps">
            <h2>Steps</h2>

            """);
        StepTable(html, "Method", report.Steps.Where(step => !IsRollback(step)).ToList(), origin, "No method step has run.");
        StepTable(html, "Rollback (runs on pass, fail and abort)", report.Steps.Where(IsRollback).ToList(), origin, "No rollback step has run yet.");
        html.Append("</section>\n");
    }

    private static bool IsRollback(DrillStepRecord step) => string.Equals(step.Phase, DrillStepOutcomes.RollbackPhase, StringComparison.Ordinal);

    private static void StepTable(StringBuilder html, string title, List<DrillStepRecord> steps, DateTimeOffset origin, string none)
    {
        html.Append(Invariant, $"<h3>{title}</h3>\n");
        if (steps.Count == 0)
        {
            html.Append(Invariant, $"<p class=\"muted\">{none}</p>\n");
            return;
        }

        html.Append("<table class=\"grid\"><thead><tr><th>#</th><th>Step</th><th>Started</th><th>Took</th><th>Outcome</th><th>Detail</th></tr></thead><tbody>\n");
        foreach (var step in steps)
        {
            var took = (step.EndedAt, step.Outcome) switch
            {
                ({ } ended, _) => Duration(ended - step.StartedAt),
                (null, DrillStepOutcomes.Skipped) => "—",
                _ => "running",
            };
            var outcome = step.Outcome switch
            {
                DrillStepOutcomes.Done => "<span class=\"ok\">✓ done</span>",
                DrillStepOutcomes.Failed => "<span class=\"bad\">✕ failed</span>",
                DrillStepOutcomes.Stopped => "<span class=\"bad\">■ stopped</span>",
                DrillStepOutcomes.Skipped => "<span class=\"muted\">– skipped</span>",
                var other => E(other),
            };
            html.Append(Invariant, $"<tr class=\"step-row\"><td class=\"num\">{E(DrillTimelineSvg.StepNumber(step))}</td><td><strong>{E(step.Kind)}</strong><br />{E(step.Description)}</td>")
                .Append(Invariant, $"<td class=\"num\">{Offset(step.StartedAt, origin)}<br /><span class=\"small muted\">{Time(step.StartedAt)}</span></td><td class=\"num\">{took}</td>")
                .Append(Invariant, $"<td>{outcome}</td><td>{(step.Detail is null ? string.Empty : E(step.Detail))}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static void AuditChain(StringBuilder html, DrillReport report)
    {
        html.Append(Invariant, $"""
            <section id="audit">
            <h2>Audit chain</h2>
            <table class="grid"><thead><tr><th></th><th>Row id</th><th>MAC (HMAC-SHA256 of the row and the previous row's MAC)</th></tr></thead><tbody>
            <tr><th>Head at start</th>{Head(report.AuditHeadAtStart)}</tr>
            <tr><th>Head at end</th>{Head(report.AuditHeadAtEnd)}</tr>
            </tbody></table>
            <p>To check that the record of this run is intact: with an admin key, <code>GET /chaos/audit/verify</code> must answer <code>"Valid": true</code> with <code>LastRowId</code> at or beyond the end head's id, and the rows with these ids (<code>GET /chaos/audit</code>) must still carry these MACs; any row rewritten, removed or cut after them makes verify name it.</p>
            </section>

            """);
    }

    private static string Head(AuditHead? head) => head is null
        ? "<td colspan=\"2\" class=\"muted\">not recorded</td>"
        : $"<td class=\"num\"><code>{head.Id}</code></td><td><code>{E(head.Mac)}</code></td>";
}
