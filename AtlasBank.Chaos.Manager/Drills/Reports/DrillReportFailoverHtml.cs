using System.Globalization;
using System.Text;
using AtlasBank.Chaos.Manager.Dr;
using static AtlasBank.Chaos.Manager.Drills.Reports.ReportFormat;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// The report page's failover section, for a run that failed over: the four RTO numbers with what each measures,
/// the RPO (count, amount, where it was measured, the stranded transfers by id), the WAL lag at the fault, the
/// replication mode and the fence; then the failback: checksums and what re-applying each stranded transfer came to.
/// A number that is missing says why instead of showing a zero.
/// </summary>
internal static class DrillReportFailoverHtml
{
    public static void Render(StringBuilder html, DrillReport report, DateTimeOffset origin)
    {
        if (!FailoverMoments.Any(report))
        {
            return;
        }

        var failover = report.Failover;
        var failback = report.Failback;
        var (from, to) = failover is not null ? (failover.FromRegion, failover.ToRegion) : (failback!.ToRegion, failback.FromRegion);
        html.Append(Invariant, $"""
            <section id="failover">
            <h2>Failover: {E(from)} → {E(to)}{(failback is null ? string.Empty : " and back")}</h2>

            """);
        if (failover is not null)
        {
            html.Append(Invariant, $"<p id=\"failover-summary\">{Summary(report, failover, origin)}</p>\n");
            Recovery(html, report, failover, origin);
            Loss(html, failover, origin);
        }
        else
        {
            html.Append("<p class=\"muted\">The failover itself is not part of this run's evidence; only its failback is.</p>\n");
        }

        Failback(html, report, failover, failback, origin);
        html.Append("</section>\n");
    }

    private static string E(string? text) => HtmlText.Escape(text);

    private static string Seconds(double seconds) => $"{Number(seconds, "0.###")} s";

    private static string Money(decimal amount) => amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    private static string Summary(DrillReport report, FailoverRecord failover, DateTimeOffset origin)
    {
        var since = failover.FaultStartedAt is null ? "after the failover began" : "after the fault";
        var parts = new List<string>();
        parts.Add(failover.State switch
        {
            FailoverStates.Completed => $"{E(failover.ToRegion)} took the writes{(failover.RtoPromotionSeconds is { } promoted ? $" <strong>{Seconds(promoted)}</strong> {since}" : string.Empty)}.",
            FailoverStates.Failed => $"<span class=\"bad\">The failover failed: {E(failover.Error)}</span>",
            FailoverStates.Refused => $"<span class=\"bad\">The failover was refused: {E(failover.Error)}</span>",
            _ => "The failover was still running when this evidence was read.",
        });
        if (failover.RtoFirstWriteSeconds is { } firstWrite)
        {
            parts.Add($"The first transfer went through <strong>{Seconds(firstWrite)}</strong> {since}.");
        }

        parts.Add(failover.RpoSource == RpoSources.Unknown
            ? "What was lost (RPO) is not known."
            : $"{(failover.RpoTransactions == 0 ? "<span class=\"ok\">No acknowledged transfer was lost</span>" : $"<span class=\"bad\">{failover.RpoTransactions} acknowledged transfer{Plural(failover.RpoTransactions)} ({Money(failover.RpoAmount)})</span> {(failover.RpoTransactions == 1 ? "was" : "were")} missing on {E(failover.ToRegion)} at promotion")} (RPO, {RpoFrom(failover.RpoSource)}).");
        if (report.Failback is { } failback)
        {
            parts.Add(failback.State == FailoverStates.Completed
                ? $"It failed back to {E(failback.ToRegion)}{(failback.CompletedAt is { } home ? $" at {Offset(home, origin)}" : string.Empty)}{(failback.ChecksumsEqual is true ? " with both regions' checksums equal" : string.Empty)}."
                : $"<span class=\"bad\">The failback {E(failback.State)}{(failback.Error is null ? string.Empty : $": {E(failback.Error)}")}</span>");
        }

        return string.Join(" ", parts);
    }

    private static string RpoFrom(string source) => source switch
    {
        RpoSources.Database => "both databases compared",
        RpoSources.Workload => "from the workload's acknowledgements",
        RpoSources.Synchronous => "sync mode",
        var other => E(other),
    };

    private static void Recovery(StringBuilder html, DrillReport report, FailoverRecord failover, DateTimeOffset origin)
    {
        var clock = failover.FaultStartedAt is { } fault
            ? $"from the fault at {Offset(fault, origin)} ({Time(fault)}), when the drill's chaos on {E(failover.FromRegion)} was switched on"
            : $"from the failover's start at {Offset(failover.StartedAt, origin)}: no fault start was recorded";
        html.Append(Invariant, $"""
            <h3>Recovery time (RTO)</h3>
            <p class="small">Each number counts seconds {clock}.</p>
            <table class="grid" id="rto"><thead><tr><th>RTO</th><th>Seconds</th><th>At</th><th>What it measures</th></tr></thead><tbody>

            """);
        Rto(html, "RtoDetectionSeconds", "detection", failover.RtoDetectionSeconds, failover.DetectedAt, origin,
            $"until {E(failover.FromRegion)} was found down: by the detector, or, with manual promotion, when the promotion began", DetectionMissing(failover));
        Rto(html, "RtoPromotionSeconds", "promotion", failover.State == FailoverStates.Completed ? failover.RtoPromotionSeconds : null, failover.CompletedAt, origin,
            $"until {E(failover.ToRegion)} was promoted and the routing switched: {E(failover.FromRegion)} fenced, its position captured, {E(failover.ToRegion)}'s subscription stopped and writes granted",
            PromotionMissing(failover));
        Rto(html, "RtoFirstWriteSeconds", "first write", failover.RtoFirstWriteSeconds, failover.FirstWriteAt, origin,
            "until the first transfer acknowledged through the logical ledger name after the switch",
            RecoveryMissing(report, failover, "no transfer was acknowledged after the switch"));
        Rto(html, "RtoThroughputSeconds", "throughput", failover.RtoThroughputSeconds, failover.ThroughputRecoveredAt, origin,
            "until the end of the first second whose acknowledged transfers reached 90 % of the seconds before the fault",
            RecoveryMissing(report, failover, ThroughputMissing(report, failover, origin)));
        html.Append("</tbody></table>\n");
    }

    private static void Rto(StringBuilder html, string name, string what, double? seconds, DateTimeOffset? at, DateTimeOffset origin, string measures, string missing)
    {
        var value = seconds is { } s ? $"<strong>{Seconds(s)}</strong>" : $"— <span class=\"small muted\">{E(missing)}</span>";
        var when = seconds is not null && at is { } moment ? $"{Offset(moment, origin)}<br /><span class=\"small muted\">{Time(moment)}</span>" : "—";
        html.Append(Invariant, $"<tr class=\"rto\"><td class=\"nowrap\"><strong>{what}</strong><br /><code class=\"small\">{name}</code></td><td class=\"num\">{value}</td><td class=\"num\">{when}</td><td>{measures}</td></tr>\n");
    }

    private static string DetectionMissing(FailoverRecord failover) => (failover.FaultStartedAt, failover.DetectedAt) switch
    {
        (null, _) => "not measured: no fault start recorded",
        (_, null) => "not measured: the promotion did not wait for detection",
        _ => "not measured",
    };

    private static string PromotionMissing(FailoverRecord failover) => failover.State switch
    {
        FailoverStates.Failed => "not promoted: the failover failed",
        FailoverStates.Refused => "not promoted: the failover was refused",
        FailoverStates.Running => "not yet: the failover was still running",
        _ => "not measured: no completion time recorded",
    };

    private static string RecoveryMissing(DrillReport report, FailoverRecord failover, string otherwise) => failover switch
    {
        { State: FailoverStates.Failed or FailoverStates.Refused } => "not measured: the failover did not promote",
        { State: FailoverStates.Running } or { CompletedAt: null } => "not yet: the failover was still running",
        _ when report.Workload is null => "not measured: no workload",
        _ when report.Failback is null => "not measured yet: the drill measures it when it fails back",
        _ => otherwise,
    };

    private static string ThroughputMissing(DrillReport report, FailoverRecord failover, DateTimeOffset origin)
    {
        var faultSecond = (int)Math.Floor(((failover.FaultStartedAt ?? failover.StartedAt) - origin).TotalSeconds);
        return report.Timeline.Any(second => second.Second >= 1 && second.Second < faultSecond)
            ? "throughput never got back to 90 % of before the fault in this run"
            : "not measured: no second of workload before the fault to compare with";
    }

    private static void Loss(StringBuilder html, FailoverRecord failover, DateTimeOffset origin)
    {
        var count = failover.RpoSource == RpoSources.Unknown
            ? $"— <span class=\"small muted\">not measured: {E(failover.FromRegion)}'s database could not be compared and no workload's acknowledgements were available</span>"
            : $"<strong>{failover.RpoTransactions}</strong> acknowledged transfer{Plural(failover.RpoTransactions)} {E(failover.ToRegion)} lacked at promotion";
        var amount = failover.RpoSource == RpoSources.Unknown ? "—" : $"<strong>{Money(failover.RpoAmount)}</strong>";
        var source = failover.RpoSource switch
        {
            RpoSources.Database => $"database: {E(failover.FromRegion)}'s and {E(failover.ToRegion)}'s transfers compared by id",
            RpoSources.Workload => $"workload: the drill's own acknowledgements before the switch, looked up by id in {E(failover.ToRegion)} ({E(failover.FromRegion)}'s database could not be compared)",
            RpoSources.Synchronous => $"synchronous: sync mode, so nothing {E(failover.ToRegion)} lacked was ever acknowledged",
            var other => $"{E(other)}: neither database nor workload could tell",
        };
        var lag = failover.LagBytesAtFault is { } bytes
            ? $"<strong>{Number(bytes)}</strong> bytes of WAL {E(failover.FromRegion)} had written that {E(failover.ToRegion)} had not confirmed"
            : failover.FromDatabaseReachable
                ? "— <span class=\"small muted\">not measured</span>"
                : $"— <span class=\"small muted\">not measured: {E(failover.FromRegion)}'s database could not be read</span>";
        var mode = failover.Mode switch
        {
            ReplicationModes.Async => $"<strong>async</strong>: {E(failover.FromRegion)} acknowledged a commit without waiting for {E(failover.ToRegion)}, so a failover can lose the newest acknowledged transfers",
            ReplicationModes.Sync => $"<strong>sync</strong>: {E(failover.FromRegion)} acknowledged a commit only once {E(failover.ToRegion)} had it, so the RPO must be 0",
            var other => $"<strong>{E(other)}</strong>: {E(failover.FromRegion)}'s database could not be asked and was never seen",
        };
        var fence = failover.Fenced
            ? $"<span class=\"ok\">✓ fenced</span>: {E(failover.FenceDetail)}"
            : $"<span class=\"bad\">✕ not fenced</span>{(failover.FenceDetail is null ? string.Empty : $": {E(failover.FenceDetail)}")}";
        var ledgerConfirmed = failover.FromLedgerConfirmedFence switch
        {
            true => "its ledger confirmed it refuses writes",
            false => "its ledger did not confirm the fence",
            null => "its ledger was not asked",
        };
        var position = failover.FromLsnAtFence is { } lsn
            ? $"; WAL position at the fence <code>{E(lsn)}</code>{(failover.FromTransfersAtFence is { } transfers ? $", {Number(transfers)} transfers" : string.Empty)}"
            : string.Empty;

        html.Append(Invariant, $"""
            <h3>Data loss (RPO), the fence and the mode</h3>
            <table class="facts" id="rpo">
            <tr><th>RPO transfers</th><td>{count}</td></tr>
            <tr><th>RPO amount</th><td>{amount}</td></tr>
            <tr><th>RPO measured from</th><td>{source}</td></tr>
            <tr><th>Lag at the fault</th><td>{lag}</td></tr>
            <tr><th>Replication mode</th><td>{mode}</td></tr>
            <tr><th>Fence of {E(failover.FromRegion)}</th><td>{fence}<br /><span class="small">database {(failover.FromDatabaseReachable ? "reachable: writes revoked" : "not reachable")}; {ledgerConfirmed}{position}</span></td></tr>
            <tr><th>Failover</th><td><code>{E(failover.FailoverId)}</code> · {E(failover.State)} · started {Offset(failover.StartedAt, origin)}{(failover.Reason is null ? string.Empty : $" · {E(failover.Reason)}")}{(failover.Error is null ? string.Empty : $"<br /><span class=\"bad\">{E(failover.Error)}</span>")}</td></tr>
            </table>

            """);

        var stranded = failover.Stranded.ToDictionary(transfer => transfer.Id);
        var ids = failover.RpoTransferIds.Concat(failover.Stranded.Select(transfer => transfer.Id)).Distinct().ToList();
        if (ids.Count > 0)
        {
            html.Append("<table class=\"grid\" id=\"stranded\"><thead><tr><th>Stranded transfer (acknowledged, missing at promotion)</th><th>Idempotency-Key</th><th>Amount</th><th>From → to account</th><th>Acknowledged</th></tr></thead><tbody>\n");
            foreach (var id in ids)
            {
                html.Append(stranded.TryGetValue(id, out var transfer)
                    ? $"<tr class=\"stranded\"><td><code>{id}</code></td><td>{Key(transfer.IdempotencyKey)}</td><td class=\"num\">{Money(transfer.Amount)} {E(transfer.Currency)}</td><td class=\"small\"><code>{transfer.FromAccountId}</code> →<br /><code>{transfer.ToAccountId}</code></td><td class=\"num\">{Offset(transfer.CreatedAt, origin)}<br /><span class=\"small muted\">{Time(transfer.CreatedAt)}</span></td></tr>\n"
                    : $"<tr class=\"stranded\"><td><code>{id}</code></td><td colspan=\"4\" class=\"muted\">no detail recorded</td></tr>\n");
            }

            html.Append("</tbody></table>\n");
        }

        if (failover.UnacknowledgedTransferIds.Count > 0)
        {
            html.Append(Invariant, $"<p class=\"small\" id=\"unacknowledged\"><strong>Committed on {E(failover.FromRegion)} but never acknowledged</strong> (not lost: no caller was told they succeeded): {string.Join(" ", failover.UnacknowledgedTransferIds.Select(id => $"<code>{id}</code>"))}</p>\n");
        }
    }

    private static void Failback(StringBuilder html, DrillReport report, FailoverRecord? failover, FailoverRecord? failback, DateTimeOffset origin)
    {
        if (failback is null)
        {
            var why = report.EndedAt is null
                ? "The run has not failed back yet."
                : $"The run did not fail back: {E(failover?.ToRegion)} was still the writer when the run ended.";
            html.Append(Invariant, $"<h3>Failback</h3>\n<p class=\"bad\" id=\"failback\">{why}</p>\n");
            Reconciliation(html, failover?.Reconciliation ?? [], failover, origin);
            return;
        }

        var state = failback.State switch
        {
            FailoverStates.Completed => "<span class=\"ok\">✓ completed</span>",
            FailoverStates.Failed => "<span class=\"bad\">✕ failed</span>",
            FailoverStates.Refused => "<span class=\"bad\">✕ refused: nothing rebuilt</span>",
            var other => E(other),
        };
        var checksums = failback.ChecksumsEqual switch
        {
            true => $"<span class=\"ok\">✓ equal</span> in both regions: <code>{E(failback.Checksum)}</code>",
            false => $"<span class=\"bad\">✕ different</span>: {E(failback.ToRegion)} rebuilt holds <code>{E(failback.Checksum)}</code>",
            null => $"— <span class=\"small muted\">not compared: {(failback.Error is null ? "the failback did not get that far" : E(failback.Error))}</span>",
        };
        var switched = failback.State == FailoverStates.Completed && failback.CompletedAt is { } home
            ? $"{Offset(home, origin)} <span class=\"small muted\">({Time(home)}, {Duration(home - failback.StartedAt)} after the failback started)</span>"
            : $"— <span class=\"small muted\">{E(failback.FromRegion)} stayed the writer</span>";

        html.Append(Invariant, $"""
            <h3>Failback: {E(failback.FromRegion)} → {E(failback.ToRegion)}</h3>
            <table class="facts" id="failback">
            <tr><th>Outcome</th><td>{state} <span class="small">(<code>{E(failback.FailoverId)}</code>)</span>{(failback.Error is null ? string.Empty : $"<br /><span class=\"small\">{E(failback.Error)}</span>")}</td></tr>
            <tr><th>Started</th><td>{Offset(failback.StartedAt, origin)} <span class="small muted">({Time(failback.StartedAt)})</span></td></tr>
            <tr><th>Writes back on {E(failback.ToRegion)}</th><td>{switched}</td></tr>
            <tr><th>Checksums</th><td>{checksums}</td></tr>
            </table>

            """);
        Reconciliation(html, failback.Reconciliation.Count > 0 ? failback.Reconciliation : failover?.Reconciliation ?? [], failover, origin);
    }

    private static void Reconciliation(StringBuilder html, IReadOnlyList<ReconciledTransfer> results, FailoverRecord? failover, DateTimeOffset origin)
    {
        var strandedCount = failover?.Stranded.Count ?? 0;
        if (results.Count == 0)
        {
            var none = strandedCount == 0
                ? "Nothing to reconcile: no acknowledged transfer was stranded."
                : $"{strandedCount} stranded transfer{Plural(strandedCount)} not reconciled yet.";
            html.Append(Invariant, $"<p id=\"reconciliation\" class=\"{(strandedCount == 0 ? "muted" : "bad")}\">{none}</p>\n");
            return;
        }

        var tally = string.Join(", ", results.GroupBy(result => result.Outcome).Select(group => $"{group.Count()} {E(group.Key.Replace('-', ' '))}"));
        var currency = failover?.Stranded.ToDictionary(transfer => transfer.Id, transfer => transfer.Currency) ?? [];
        html.Append(Invariant, $"""
            <p><strong>Stranded transfers re-applied</strong> to the active region under their Idempotency-Keys, each audited: {tally}.</p>
            <table class="grid" id="reconciliation"><thead><tr><th>Transfer</th><th>Idempotency-Key</th><th>Amount</th><th>Outcome</th><th>New transfer id</th><th>Reason</th></tr></thead><tbody>

            """);
        foreach (var result in results)
        {
            html.Append(Invariant, $"<tr class=\"reconciled {E(result.Outcome)}\"><td class=\"nowrap\"><code>{result.TransferId}</code></td><td>{Key(result.IdempotencyKey)}</td>")
                .Append(Invariant, $"<td class=\"num\">{Money(result.Amount)}{(currency.TryGetValue(result.TransferId, out var code) ? $" {E(code)}" : string.Empty)}</td><td class=\"nowrap\">{Outcome(result.Outcome)}<br /><span class=\"small muted\">at {Offset(result.At, origin)}</span></td>")
                .Append(Invariant, $"<td class=\"nowrap\">{(result.NewTransferId is { } id ? $"<code>{id}</code>" : "<span class=\"muted\">—</span>")}</td><td>{(result.Reason is null ? "<span class=\"muted\">—</span>" : E(result.Reason))}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
    }

    private static string Outcome(string outcome) => outcome switch
    {
        ReconcileOutcomes.Posted => "<span class=\"ok\">✓ posted</span>",
        ReconcileOutcomes.AlreadyPresent => "<span class=\"ok\">= already present</span><br /><span class=\"small\">not posted twice</span>",
        ReconcileOutcomes.ManualReview => "<span class=\"warn\">⚠ manual review</span>",
        ReconcileOutcomes.Failed => "<span class=\"bad\">✕ failed</span><br /><span class=\"small\">nothing posted; safe to retry</span>",
        var other => E(other),
    };

    private static string Key(string? key) => key is null ? "<span class=\"muted\">none</span>" : $"<code>{E(key)}</code>";

    private static string Plural(long count) => count == 1 ? string.Empty : "s";
}
