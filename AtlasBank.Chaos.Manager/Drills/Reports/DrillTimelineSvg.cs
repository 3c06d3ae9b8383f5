using System.Text;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Workload;
using static AtlasBank.Chaos.Manager.Drills.Reports.ReportFormat;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>
/// The run's timeline as one inline SVG, read top to bottom on a shared x axis of seconds since the run started:
/// the chaos bands (one lane, shaded behind everything), for a run that failed over the writer's lane (the writer
/// moving between regions, the other region serving, shaded lightly behind the panels) and the failover's moments
/// as vertical markers, acknowledged transfers a second with the error rate, p50 and p99 latency, the steps as
/// vertical markers, one lane of checks per probe, and the verdict's moment.
/// Shapes and dashes tell the series apart as well as colours do, so a greyscale print still reads.
/// Elements carry classes (<c>chaos-band</c>, <c>failover-band</c>, <c>writer-period</c>, <c>region-shade</c>,
/// <c>failover-marker</c>, <c>step</c>, <c>check</c>, <c>verdict</c>) so tests can count them.
/// </summary>
internal sealed class DrillTimelineSvg
{
    private const double Width = 1200;
    private const double PlotLeft = 150;
    private const double PlotRight = Width - 72;
    private const double PlotWidth = PlotRight - PlotLeft;
    private const double LaneRow = 18;
    private const double RunRowHeight = 22;
    private const double ChaosTop = RunRowHeight;
    private const double ThroughputHeight = 150;
    private const double LatencyHeight = 120;
    private const double EmptyPanelHeight = 40;
    private const double PanelGap = 22;
    private const double AxisHeight = 38;
    private const double LegendRow = 20;

    // An 11 px sans-serif character is about this wide: enough to keep labels from running into each other.
    private const double CharWidth = 6.4;
    private const int StepLabelLength = 34;
    private const int ProbeLabelLength = 22;

    private const string Throughput = "#7ea6e0";
    private const string ErrorRate = "#c62828";
    private const string P50 = "#1b7f5a";
    private const string P99 = "#7b3fa0";
    private const string Chaos = "#e0a100";
    private const string Failover = "#00838f";
    private const string Held = "#2e7d32";
    private const string Violated = "#c62828";
    private const string Skipped = "#8a8a8a";
    private const string Ink = "#333";
    private const string Grid = "#e3e3e3";

    private readonly DrillReport report;
    private readonly DateTimeOffset origin;
    private readonly double spanSeconds;
    private readonly IReadOnlyList<HypothesisSummary> probes;
    private readonly int[] bandRows;
    private readonly int[] stepRows;
    private readonly IReadOnlyList<WriterSegment> segments;
    private readonly int[] segmentRows;
    private readonly IReadOnlyList<FailoverMarker> markers;
    private readonly int[] markerRows;
    private readonly StringBuilder svg = new();

    private DrillTimelineSvg(DrillReport report)
    {
        this.report = report;
        origin = report.StartedAt ?? report.CreatedAt;
        spanSeconds = SpanSeconds(report, origin);
        probes = HypothesisSummary.Of(report.Checks);
        bandRows = LanePacker.Pack([.. report.ChaosBands.Select(band => (X(band.From), Math.Max(BandEnd(band), X(band.From) + LabelWidth(BandLabel(band)) + 8)))], 4);
        stepRows = LanePacker.Pack([.. report.Steps.Select(step => StepLabelPlace(step).Extent)], 6);
        segments = FailoverMoments.Segments(report, origin);
        segmentRows = LanePacker.Pack([.. segments.Select(segment => SegmentLabelPlace(segment).Extent)], 4);
        markers = FailoverMoments.Markers(report, origin);
        markerRows = LanePacker.Pack([.. markers.Select(marker => MarkerLabelPlace(marker).Extent)], 6);
    }

    public static string Render(DrillReport report) => new DrillTimelineSvg(report).Draw();

    private bool HasWorkload => report.Timeline.Count > 0;

    private bool HasFailover => FailoverMoments.Any(report);

    private double WriterTop => ChaosTop + (Rows(bandRows) * LaneRow) + 4;

    private double MarkersTop => WriterTop + (Rows(segmentRows) * LaneRow);

    private double PanelsTop => (HasFailover ? MarkersTop + (Rows(markerRows) * LaneRow) : ChaosTop + (Rows(bandRows) * LaneRow)) + 8;

    private double ThroughputBottom => PanelsTop + (HasWorkload ? ThroughputHeight : EmptyPanelHeight);

    private double LatencyTop => ThroughputBottom + PanelGap;

    private double PanelsBottom => HasWorkload ? LatencyTop + LatencyHeight : ThroughputBottom;

    private double StepsTop => PanelsBottom + 10;

    private double ChecksTop => StepsTop + (Rows(stepRows) * LaneRow) + 6;

    private double ChecksBottom => ChecksTop + (Math.Max(1, probes.Count) * LaneRow);

    private double AxisTop => ChecksBottom + 4;

    private double LegendTop => AxisTop + AxisHeight;

    private string Draw()
    {
        var legend = LegendItems();
        var legendRows = LegendLayout(legend).Max(place => place.Row) + 1;
        var height = LegendTop + (legendRows * LegendRow) + 6;

        svg.Append(Invariant, $"""<svg xmlns="http://www.w3.org/2000/svg" class="timeline" role="img" viewBox="0 0 {Px(Width)} {Px(height)}" width="100%" font-family="DejaVu Sans, Arial, Helvetica, sans-serif" font-size="11">""");
        svg.Append(Invariant, $"<title>Timeline of run {HtmlText.Escape(report.RunId)} ({HtmlText.Escape(report.Drill)}): {HtmlText.Escape(report.State)}</title>");
        svg.Append(Invariant, $"""<rect x="0" y="0" width="{Px(Width)}" height="{Px(height)}" fill="#fff"/>""");

        DrawTimeGrid();
        DrawChaosBands();
        DrawWriter();
        DrawThroughputPanel();
        DrawLatencyPanel();
        DrawFailoverMarkers();
        DrawSteps();
        DrawChecks();
        DrawRunMoments();
        DrawTimeAxis();
        DrawLegend(legend);

        svg.Append("</svg>");
        return svg.ToString();
    }

    private static double SpanSeconds(DrillReport report, DateTimeOffset origin)
    {
        IEnumerable<DateTimeOffset?> moments =
        [
            report.EndedAt,
            .. report.Steps.SelectMany(step => new[] { step.StartedAt, step.EndedAt }),
            .. report.Checks.Select(check => (DateTimeOffset?)check.At),
            .. report.ChaosBands.SelectMany(band => new[] { band.From, band.To }),
            .. report.Invariants.Select(result => (DateTimeOffset?)result.At),
            .. new[] { report.Failover, report.Failback }.OfType<FailoverRecord>().SelectMany(record => new[]
            {
                record.FaultStartedAt, record.DetectedAt, record.StartedAt, record.CompletedAt, record.FirstWriteAt, record.ThroughputRecoveredAt,
            }),
        ];
        var latest = moments.OfType<DateTimeOffset>().Select(at => (at - origin).TotalSeconds).DefaultIfEmpty(0).Max();
        var lastSecond = report.Timeline.Select(second => second.Second + 1.0).DefaultIfEmpty(0).Max();

        // A zero-length run still gets an axis one second wide.
        return Math.Max(1, Math.Max(latest, lastSecond));
    }

    private double X(double seconds) => PlotLeft + (Math.Clamp(seconds, 0, spanSeconds) / spanSeconds * PlotWidth);

    private double X(DateTimeOffset at) => X((at - origin).TotalSeconds);

    private double BandEnd(ChaosBand band) => band.To is { } to ? X(to) : PlotRight;

    private static int Rows(int[] rows) => rows.Length == 0 ? 1 : rows.Max() + 1;

    private static double LabelWidth(string label) => label.Length * CharWidth;

    private static string BandLabel(ChaosBand band) => $"{band.Service} · {band.Mode}{(band.To is null ? " (still on)" : string.Empty)}";

    private static string StepLabel(DrillStepRecord step) =>
        HtmlText.Shorten($"{StepNumber(step)} {step.Description}", StepLabelLength);

    /// <summary>A step's label right of its marker, or left of it when it would run off the chart's right edge.</summary>
    private (double TextX, string Anchor, (double Start, double End) Extent) StepLabelPlace(DrillStepRecord step)
    {
        var x = X(step.StartedAt);
        var width = LabelWidth(StepLabel(step));
        return x + 5 + width <= Width - 4
            ? (x + 5, "start", (x, x + 5 + width))
            : (x - 5, "end", (x - 5 - width, x));
    }

    /// <summary>A writer segment's label inside it when it fits, else just right of it, or left of it at the chart's right edge.</summary>
    private (double TextX, string Anchor, (double Start, double End) Extent) SegmentLabelPlace(WriterSegment segment)
    {
        var from = X(segment.From);
        var to = Math.Max(from + 2, SegmentEnd(segment));
        var width = LabelWidth(segment.Label);
        if (from + 4 + width <= to)
        {
            return (from + 4, "start", (from, to));
        }

        return to + 4 + width <= Width - 4
            ? (to + 4, "start", (from, to + 4 + width))
            : (from - 4, "end", (from - 4 - width, to));
    }

    private double SegmentEnd(WriterSegment segment) => segment.To is { } to ? X(to) : PlotRight;

    /// <summary>A failover moment's label right of its line, or left of it when it would run off the chart's right edge.</summary>
    private (double TextX, string Anchor, (double Start, double End) Extent) MarkerLabelPlace(FailoverMarker marker)
    {
        var x = X(marker.At);
        var width = LabelWidth(marker.Label);
        return x + 6 + width <= Width - 4
            ? (x + 6, "start", (x - 3, x + 6 + width))
            : (x - 6, "end", (x - 6 - width, x + 3));
    }

    /// <summary>What the report's step tables number a step: method steps by index, rollback steps with an R.</summary>
    public static string StepNumber(DrillStepRecord step) =>
        string.Equals(step.Phase, DrillStepOutcomes.RollbackPhase, StringComparison.Ordinal) ? $"R{step.Index}" : $"{step.Index}";

    private void DrawTimeGrid()
    {
        var step = TimelineScale.SecondsStep(spanSeconds, 12);
        for (var second = 0; second <= spanSeconds + 1e-9; second += step)
        {
            var x = Px(X(second));
            svg.Append(Invariant, $"""<line x1="{x}" y1="{Px(PanelsTop)}" x2="{x}" y2="{Px(ChecksBottom)}" stroke="{Grid}" stroke-width="1"/>""");
        }
    }

    private void DrawChaosBands()
    {
        LaneTitle("chaos", ChaosTop, Rows(bandRows));
        if (report.ChaosBands.Count == 0)
        {
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft + 4)}" y="{Px(ChaosTop + 13)}" fill="#777">no chaos was switched on</text>""");
            return;
        }

        for (var i = 0; i < report.ChaosBands.Count; i++)
        {
            var band = report.ChaosBands[i];
            var from = X(band.From);
            var width = Math.Max(2, BandEnd(band) - from);
            var laneY = ChaosTop + (bandRows[i] * LaneRow) + 2;
            var label = BandLabel(band);
            var until = band.To is { } to ? Offset(to, origin) : "still on";
            svg.Append(Invariant, $"""<g class="chaos-band"><title>chaos {HtmlText.Escape(label)}: {Offset(band.From, origin)} to {until}</title>""");
            svg.Append(Invariant, $"""<rect x="{Px(from)}" y="{Px(PanelsTop)}" width="{Px(width)}" height="{Px(ChecksBottom - PanelsTop)}" fill="{Chaos}" fill-opacity="0.13"/>""");
            svg.Append(Invariant, $"""<rect x="{Px(from)}" y="{Px(laneY)}" width="{Px(width)}" height="{Px(LaneRow - 4)}" fill="{Chaos}" fill-opacity="0.45" stroke="#9a6b00" stroke-width="1"/>""");
            svg.Append(Invariant, $"""<text x="{Px(from + 4)}" y="{Px(laneY + 11)}" fill="#3d2b00">{HtmlText.Escape(label)}</text>""");
            svg.Append("</g>");
        }
    }

    /// <summary>The writer's lane (moving, serving) and, behind the panels, the other region's stretch shaded lightly.</summary>
    private void DrawWriter()
    {
        if (!HasFailover)
        {
            return;
        }

        LaneTitle("writer", WriterTop, Rows(segmentRows));
        if (FailoverMoments.OtherRegionPeriod(report) is { } period)
        {
            var x = X(period.From);
            var width = Math.Max(1, (period.To is { } end ? X(end) : PlotRight) - x);
            svg.Append(Invariant, $"""<rect class="region-shade" x="{Px(x)}" y="{Px(PanelsTop)}" width="{Px(width)}" height="{Px(PanelsBottom - PanelsTop)}" fill="{Failover}" fill-opacity="0.07"/>""");
        }

        for (var i = 0; i < segments.Count; i++)
        {
            var segment = segments[i];
            var start = X(segment.From);
            var width = Math.Max(2, SegmentEnd(segment) - start);
            var laneY = WriterTop + (segmentRows[i] * LaneRow) + 2;
            var (textX, anchor, _) = SegmentLabelPlace(segment);
            var switching = segment.Kind == FailoverMoments.Switch;
            var (fill, opacity, stroke, ink) = (switching, segment.Failed) switch
            {
                (true, true) => (Violated, "0.35", Violated, "#5a0000"),
                (true, false) => (Failover, "0.55", "#005a62", "#002f33"),
                _ => (Failover, "0.12", "#4f9aa1", "#003f44"),
            };
            svg.Append(Invariant, $"""<g class="{(switching ? "failover-band" : "writer-period")}"><title>{HtmlText.Escape(segment.Detail)}</title>""");
            svg.Append(Invariant, $"""<rect x="{Px(start)}" y="{Px(laneY)}" width="{Px(width)}" height="{Px(LaneRow - 4)}" fill="{fill}" fill-opacity="{opacity}" stroke="{stroke}" stroke-width="1"{(switching ? string.Empty : " stroke-dasharray=\"3 2\"")}/>""");
            svg.Append(Invariant, $"""<text x="{Px(textX)}" y="{Px(laneY + 11)}" text-anchor="{anchor}" fill="{ink}"{(switching ? " font-weight=\"bold\"" : string.Empty)}>{HtmlText.Escape(segment.Label)}</text>""");
            svg.Append("</g>");
        }
    }

    /// <summary>
    /// The failover's moments: a dotted line from its label down through the panels. A line passes the rows below
    /// its label, so rows are drawn top first and each label has a white halo: a later label covers the line instead
    /// of being crossed by it.
    /// </summary>
    private void DrawFailoverMarkers()
    {
        if (!HasFailover)
        {
            return;
        }

        LaneTitle("failover", MarkersTop, Rows(markerRows));
        foreach (var i in Enumerable.Range(0, markers.Count).OrderBy(i => markerRows[i]).ThenBy(i => markers[i].At))
        {
            var marker = markers[i];
            var x = Px(X(marker.At));
            var labelY = MarkersTop + (markerRows[i] * LaneRow) + 13;
            var colour = marker.Failed ? Violated : Failover;
            var (textX, anchor, _) = MarkerLabelPlace(marker);
            svg.Append(Invariant, $"""<g class="failover-marker {marker.Name}{(marker.Failed ? " failed" : string.Empty)}"><title>{HtmlText.Escape(marker.Detail)}</title>""");
            svg.Append(Invariant, $"""<line x1="{x}" y1="{Px(labelY - 4)}" x2="{x}" y2="{Px(PanelsBottom)}" stroke="{colour}" stroke-width="1.6" stroke-dasharray="2 2"/>""");
            svg.Append(Invariant, $"""<circle cx="{x}" cy="{Px(labelY - 4)}" r="3" fill="{colour}"/>""");
            svg.Append(Invariant, $"""<text x="{Px(textX)}" y="{Px(labelY)}" text-anchor="{anchor}" fill="{(marker.Failed ? Violated : "#004d54")}" stroke="#fff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">{HtmlText.Escape(marker.Label)}</text>""");
            svg.Append("</g>");
        }
    }

    private void DrawThroughputPanel()
    {
        if (!HasWorkload)
        {
            PanelFrame(PanelsTop, EmptyPanelHeight);
            var message = report.Workload is null
                ? "No workload in this run: no throughput, error rate or latency to draw."
                : "The workload has no finished request yet.";
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft + (PlotWidth / 2))}" y="{Px(PanelsTop + 24)}" text-anchor="middle" fill="#666">{message}</text>""");
            return;
        }

        var top = PanelsTop;
        var bottom = ThroughputBottom;
        var (countTop, countStep) = TimelineScale.Axis(report.Timeline.Max(second => second.Acknowledged), 5, 5);
        var (rateTop, rateStep) = TimelineScale.Axis(report.Timeline.Max(second => second.ErrorRate ?? 0) * 100, 5, 5);
        rateTop = Math.Min(rateTop, 100);

        PanelFrame(top, ThroughputHeight);
        LeftAxis(top, bottom, countTop, countStep, "acknowledged / s");
        RightAxis(top, bottom, rateTop, rateStep, "error rate %", ErrorRate);

        var barWidth = Math.Max(0.8, (PlotWidth / spanSeconds) - (spanSeconds <= 200 ? 1.5 : 0.3));
        svg.Append(Invariant, $"""<g class="throughput" fill="{Throughput}">""");
        foreach (var second in report.Timeline.Where(second => second.Acknowledged > 0))
        {
            var y = Scale(second.Acknowledged, countTop, top, bottom);
            svg.Append(Invariant, $"""<rect x="{Px(X(second.Second) + 0.5)}" y="{Px(y)}" width="{Px(barWidth)}" height="{Px(bottom - y)}"><title>+{second.Second} s: {second.Acknowledged} acknowledged, {second.Rejected} rejected, {second.Unknown} unknown</title></rect>""");
        }

        svg.Append("</g>");
        Series("error-rate", report.Timeline, second => second.ErrorRate * 100, rateTop, top, bottom, ErrorRate, "5 3", Marker.Square);
    }

    private void DrawLatencyPanel()
    {
        if (!HasWorkload)
        {
            return;
        }

        var top = LatencyTop;
        var bottom = top + LatencyHeight;
        var slowest = report.Timeline.Max(second => Math.Max(second.P99Ms ?? 0, second.P50Ms ?? 0));
        var (msTop, msStep) = TimelineScale.Axis(slowest, 10, 4);

        PanelFrame(top, LatencyHeight);
        LeftAxis(top, bottom, msTop, msStep, "latency ms");
        Series("p50", report.Timeline, second => second.P50Ms, msTop, top, bottom, P50, null, Marker.Circle);
        Series("p99", report.Timeline, second => second.P99Ms, msTop, top, bottom, P99, "7 4", Marker.Diamond);
    }

    private enum Marker
    {
        Circle,
        Square,
        Diamond,
    }

    /// <summary>A line over the seconds that have a value, broken where a second has none; a lone point gets its marker.</summary>
    private void Series(
        string name, IReadOnlyList<WorkloadSecond> timeline, Func<WorkloadSecond, double?> value, double axisTop,
        double top, double bottom, string colour, string? dash, Marker marker)
    {
        var path = new StringBuilder();
        var lonePoints = new List<(double X, double Y)>();
        var ordered = timeline.OrderBy(second => second.Second).ToList();
        for (var i = 0; i < ordered.Count; i++)
        {
            if (value(ordered[i]) is not { } v)
            {
                continue;
            }

            var x = X(ordered[i].Second + 0.5);
            var y = Scale(Math.Min(v, axisTop), axisTop, top, bottom);
            var joinsPrevious = i > 0 && ordered[i - 1].Second == ordered[i].Second - 1 && value(ordered[i - 1]) is not null;
            var joinsNext = i + 1 < ordered.Count && ordered[i + 1].Second == ordered[i].Second + 1 && value(ordered[i + 1]) is not null;
            path.Append(joinsPrevious ? " L" : " M").Append(Px(x)).Append(' ').Append(Px(y));
            if (!joinsPrevious && !joinsNext)
            {
                lonePoints.Add((x, y));
            }
        }

        var dashes = dash is null ? string.Empty : $" stroke-dasharray=\"{dash}\"";
        svg.Append(Invariant, $"""<g class="series {name}">""");
        if (path.Length > 0)
        {
            // A white halo under the line keeps it readable where it crosses the bars, in colour and in greyscale.
            svg.Append(Invariant, $"""<path d="{path.ToString().Trim()}" fill="none" stroke="#fff" stroke-width="5" stroke-opacity="0.85" stroke-linejoin="round"/>""");
            svg.Append(Invariant, $"""<path d="{path.ToString().Trim()}" fill="none" stroke="{colour}" stroke-width="2" stroke-linejoin="round"{dashes}/>""");
        }

        foreach (var (x, y) in lonePoints)
        {
            MarkerShape(marker, x, y, 3.5, colour, colour);
        }

        svg.Append("</g>");
    }

    private void MarkerShape(Marker marker, double x, double y, double size, string fill, string stroke)
    {
        switch (marker)
        {
            case Marker.Circle:
                svg.Append(Invariant, $"""<circle cx="{Px(x)}" cy="{Px(y)}" r="{Px(size)}" fill="{fill}" stroke="{stroke}"/>""");
                break;
            case Marker.Square:
                svg.Append(Invariant, $"""<rect x="{Px(x - size)}" y="{Px(y - size)}" width="{Px(size * 2)}" height="{Px(size * 2)}" fill="{fill}" stroke="{stroke}"/>""");
                break;
            case Marker.Diamond:
                svg.Append(Invariant, $"""<path d="M{Px(x)} {Px(y - size - 1)} L{Px(x + size + 1)} {Px(y)} L{Px(x)} {Px(y + size + 1)} L{Px(x - size - 1)} {Px(y)} Z" fill="{fill}" stroke="{stroke}"/>""");
                break;
        }
    }

    private static double Scale(double value, double axisTop, double top, double bottom) =>
        bottom - (Math.Clamp(value / axisTop, 0, 1) * (bottom - top));

    private void PanelFrame(double top, double height) =>
        svg.Append(Invariant, $"""<rect x="{Px(PlotLeft)}" y="{Px(top)}" width="{Px(PlotWidth)}" height="{Px(height)}" fill="none" stroke="#bbb"/>""");

    private void LeftAxis(double top, double bottom, double axisTop, double step, string title)
    {
        for (var value = 0.0; value <= axisTop + 1e-9; value += step)
        {
            var y = Px(Scale(value, axisTop, top, bottom));
            svg.Append(Invariant, $"""<line x1="{Px(PlotLeft)}" y1="{y}" x2="{Px(PlotRight)}" y2="{y}" stroke="{Grid}"/>""");
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft - 6)}" y="{y}" dy="4" text-anchor="end" fill="{Ink}">{Number(value)}</text>""");
        }

        var middle = Px((top + bottom) / 2);
        svg.Append(Invariant, $"""<text x="{Px(PlotLeft - 48)}" y="{middle}" transform="rotate(-90 {Px(PlotLeft - 48)} {middle})" text-anchor="middle" fill="{Ink}" font-weight="bold">{title}</text>""");
    }

    private void RightAxis(double top, double bottom, double axisTop, double step, string title, string colour)
    {
        for (var value = 0.0; value <= axisTop + 1e-9; value += step)
        {
            var y = Px(Scale(value, axisTop, top, bottom));
            svg.Append(Invariant, $"""<line x1="{Px(PlotRight)}" y1="{y}" x2="{Px(PlotRight + 4)}" y2="{y}" stroke="{colour}"/>""");
            svg.Append(Invariant, $"""<text x="{Px(PlotRight + 7)}" y="{y}" dy="4" fill="{colour}">{Number(value)}</text>""");
        }

        var middle = Px((top + bottom) / 2);
        svg.Append(Invariant, $"""<text x="{Px(PlotRight + 52)}" y="{middle}" transform="rotate(90 {Px(PlotRight + 52)} {middle})" text-anchor="middle" fill="{colour}" font-weight="bold">{title}</text>""");
    }

    private void LaneTitle(string title, double top, int rows) =>
        svg.Append(Invariant, $"""<text x="{Px(PlotLeft - 8)}" y="{Px(top + (rows * LaneRow / 2) + 4)}" text-anchor="end" fill="{Ink}" font-weight="bold">{HtmlText.Escape(title)}</text>""");

    private void DrawSteps()
    {
        LaneTitle("steps", StepsTop, Rows(stepRows));
        if (report.Steps.Count == 0)
        {
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft + 4)}" y="{Px(StepsTop + 13)}" fill="#777">no step has run</text>""");
            return;
        }

        for (var i = 0; i < report.Steps.Count; i++)
        {
            var step = report.Steps[i];
            var rollback = string.Equals(step.Phase, DrillStepOutcomes.RollbackPhase, StringComparison.Ordinal);
            var x = Px(X(step.StartedAt));
            var labelY = StepsTop + (stepRows[i] * LaneRow) + 13;
            var dash = rollback ? " stroke-dasharray=\"4 3\"" : string.Empty;
            var failed = step.Outcome is DrillStepOutcomes.Failed or DrillStepOutcomes.Stopped;
            svg.Append(Invariant, $"""<g class="step {(rollback ? "rollback" : "method")}"><title>{HtmlText.Escape(StepNumber(step))} {HtmlText.Escape(step.Kind)} at {Offset(step.StartedAt, origin)}: {HtmlText.Escape(step.Description)} ({HtmlText.Escape(step.Outcome)})</title>""");
            svg.Append(Invariant, $"""<line x1="{x}" y1="{Px(PanelsTop)}" x2="{x}" y2="{Px(labelY - 9)}" stroke="#555" stroke-opacity="0.7" stroke-width="1.2"{dash}/>""");
            svg.Append(Invariant, $"""<path d="M{x} {Px(labelY - 4)} l-4 -6 h8 Z" fill="{(failed ? Violated : "#555")}"/>""");
            var (textX, anchor, _) = StepLabelPlace(step);
            svg.Append(Invariant, $"""<text x="{Px(textX)}" y="{Px(labelY)}" text-anchor="{anchor}" fill="{(failed ? Violated : Ink)}"{(rollback ? " font-style=\"italic\"" : string.Empty)}>{HtmlText.Escape(StepLabel(step))}</text>""");
            svg.Append("</g>");
        }
    }

    private void DrawChecks()
    {
        if (probes.Count == 0)
        {
            LaneTitle("checks", ChecksTop, 1);
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft + 4)}" y="{Px(ChecksTop + 13)}" fill="#777">no check has run</text>""");
            return;
        }

        var laneOf = probes.Select((probe, lane) => (probe.Probe, lane)).ToDictionary(pair => pair.Probe, pair => pair.lane, StringComparer.Ordinal);
        for (var lane = 0; lane < probes.Count; lane++)
        {
            var y = ChecksTop + (lane * LaneRow);
            svg.Append(Invariant, $"""<line x1="{Px(PlotLeft)}" y1="{Px(y + (LaneRow / 2))}" x2="{Px(PlotRight)}" y2="{Px(y + (LaneRow / 2))}" stroke="#ddd" stroke-dasharray="1 3"/>""");
            svg.Append(Invariant, $"""<text x="{Px(PlotLeft - 8)}" y="{Px(y + 13)}" text-anchor="end" fill="{Ink}"><title>{HtmlText.Escape(probes[lane].Probe)} ({HtmlText.Escape(probes[lane].Kind)})</title>{HtmlText.Escape(HtmlText.Shorten(probes[lane].Probe, ProbeLabelLength))}</text>""");
        }

        foreach (var check in report.Checks.OrderBy(check => check.At))
        {
            var x = X(check.At);
            var y = ChecksTop + (laneOf[check.Probe] * LaneRow) + (LaneRow / 2);
            var outcome = check.Outcome switch
            {
                HypothesisSummary.Held => "held",
                HypothesisSummary.Violated => "violated",
                _ => "skipped",
            };
            svg.Append(Invariant, $"""<g class="check {outcome}"><title>{HtmlText.Escape(check.Probe)} {HtmlText.Escape(check.Phase)} at {Offset(check.At, origin)}: {HtmlText.Escape(check.Outcome)}. {HtmlText.Escape(check.Detail)}</title>""");
            switch (outcome)
            {
                case "held":
                    svg.Append(Invariant, $"""<circle cx="{Px(x)}" cy="{Px(y)}" r="4" fill="{Held}"/>""");
                    break;
                case "violated":
                    svg.Append(Invariant, $"""<path d="M{Px(x - 5)} {Px(y - 5)} L{Px(x + 5)} {Px(y + 5)} M{Px(x - 5)} {Px(y + 5)} L{Px(x + 5)} {Px(y - 5)}" stroke="{Violated}" stroke-width="2.6" stroke-linecap="round"/>""");
                    break;
                default:
                    svg.Append(Invariant, $"""<circle cx="{Px(x)}" cy="{Px(y)}" r="3.5" fill="#fff" stroke="{Skipped}" stroke-width="1.5"/>""");
                    break;
            }

            svg.Append("</g>");
        }
    }

    /// <summary>The start on the left of the top row; the verdict's moment (or "running") as a line down the whole chart.</summary>
    private void DrawRunMoments()
    {
        var start = report.StartedAt is { } started ? $"started {Utc(started)}" : $"created {Utc(report.CreatedAt)}, not started";
        svg.Append(Invariant, $"""<text x="{Px(PlotLeft)}" y="15" fill="{Ink}">{HtmlText.Escape(start)}</text>""");

        var (x, label, colour, dash) = report.EndedAt is { } ended
            ? (X(ended), $"{VerdictSymbol(report.State)} {report.State.ToUpperInvariant()} at {Offset(ended, origin)}", VerdictColour(report.State), string.Empty)
            : (PlotRight, $"{report.State.ToUpperInvariant()}: evidence up to +{Number(spanSeconds, "0.#")} s", "#666", " stroke-dasharray=\"6 4\"");
        var anchor = x - PlotLeft < LabelWidth(label) ? "start" : "end";
        var labelX = anchor == "start" ? x + 6 : x - 6;
        svg.Append(Invariant, $"""<g class="verdict"><line x1="{Px(x)}" y1="6" x2="{Px(x)}" y2="{Px(ChecksBottom)}" stroke="{colour}" stroke-width="2.5"{dash}/>""");
        svg.Append(Invariant, $"""<text x="{Px(labelX)}" y="15" text-anchor="{anchor}" fill="{colour}" font-weight="bold">{HtmlText.Escape(label)}</text></g>""");
    }

    public static string VerdictSymbol(string state) => state switch
    {
        DrillRunStates.Passed => "✓",
        DrillRunStates.Failed => "✕",
        DrillRunStates.Aborted => "■",
        _ => "…",
    };

    public static string VerdictColour(string state) => state switch
    {
        DrillRunStates.Passed => Held,
        DrillRunStates.Failed => Violated,
        DrillRunStates.Aborted => "#b26a00",
        _ => "#616161",
    };

    private void DrawTimeAxis()
    {
        svg.Append(Invariant, $"""<line x1="{Px(PlotLeft)}" y1="{Px(AxisTop)}" x2="{Px(PlotRight)}" y2="{Px(AxisTop)}" stroke="{Ink}"/>""");
        var step = TimelineScale.SecondsStep(spanSeconds, 12);
        for (var second = 0; second <= spanSeconds + 1e-9; second += step)
        {
            var x = Px(X(second));
            svg.Append(Invariant, $"""<line x1="{x}" y1="{Px(AxisTop)}" x2="{x}" y2="{Px(AxisTop + 5)}" stroke="{Ink}"/>""");
            svg.Append(Invariant, $"""<text x="{x}" y="{Px(AxisTop + 17)}" text-anchor="middle" fill="{Ink}">{second} s</text>""");
        }

        svg.Append(Invariant, $"""<text x="{Px(PlotLeft + (PlotWidth / 2))}" y="{Px(AxisTop + 32)}" text-anchor="middle" fill="{Ink}" font-weight="bold">seconds since the run started</text>""");
    }

    private sealed record LegendItem(string Label, Action<double, double> Swatch);

    private List<LegendItem> LegendItems()
    {
        var items = new List<LegendItem>
        {
            new("chaos on (service · mode)", (x, y) => svg.Append(Invariant, $"""<rect x="{Px(x)}" y="{Px(y - 6)}" width="22" height="12" fill="{Chaos}" fill-opacity="0.45" stroke="#9a6b00"/>""")),
        };
        if (HasFailover)
        {
            items.Add(new("writer moving (failover, failback)", (x, y) => svg.Append(Invariant, $"""<rect x="{Px(x)}" y="{Px(y - 6)}" width="22" height="12" fill="{Failover}" fill-opacity="0.55" stroke="#005a62"/>""")));
            if (segments.FirstOrDefault(segment => segment.Kind == FailoverMoments.Serving) is { } serving)
            {
                items.Add(new($"{serving.Label} (shaded)", (x, y) => svg.Append(Invariant, $"""<rect x="{Px(x)}" y="{Px(y - 6)}" width="22" height="12" fill="{Failover}" fill-opacity="0.12" stroke="#4f9aa1" stroke-dasharray="3 2"/>""")));
            }

            items.Add(new("failover moment", (x, y) => svg.Append(Invariant, $"""<line x1="{Px(x + 11)}" y1="{Px(y - 7)}" x2="{Px(x + 11)}" y2="{Px(y + 7)}" stroke="{Failover}" stroke-width="1.6" stroke-dasharray="2 2"/>""")));
        }

        if (HasWorkload)
        {
            items.Add(new("acknowledged transfers / s (left)", (x, y) => svg.Append(Invariant, $"""<rect x="{Px(x + 6)}" y="{Px(y - 6)}" width="10" height="12" fill="{Throughput}"/>""")));
            items.Add(new("error rate % (right axis)", (x, y) => LegendLine(x, y, ErrorRate, "5 3", Marker.Square)));
            items.Add(new("p50 latency", (x, y) => LegendLine(x, y, P50, null, Marker.Circle)));
            items.Add(new("p99 latency", (x, y) => LegendLine(x, y, P99, "7 4", Marker.Diamond)));
        }

        items.Add(new("method step", (x, y) => svg.Append(Invariant, $"""<line x1="{Px(x + 11)}" y1="{Px(y - 7)}" x2="{Px(x + 11)}" y2="{Px(y + 7)}" stroke="#555" stroke-width="1.5"/>""")));
        items.Add(new("rollback step", (x, y) => svg.Append(Invariant, $"""<line x1="{Px(x + 11)}" y1="{Px(y - 7)}" x2="{Px(x + 11)}" y2="{Px(y + 7)}" stroke="#555" stroke-width="1.5" stroke-dasharray="4 3"/>""")));
        items.Add(new("check held", (x, y) => svg.Append(Invariant, $"""<circle cx="{Px(x + 11)}" cy="{Px(y)}" r="4" fill="{Held}"/>""")));
        items.Add(new("check violated", (x, y) => svg.Append(Invariant, $"""<path d="M{Px(x + 6)} {Px(y - 5)} L{Px(x + 16)} {Px(y + 5)} M{Px(x + 6)} {Px(y + 5)} L{Px(x + 16)} {Px(y - 5)}" stroke="{Violated}" stroke-width="2.6" stroke-linecap="round"/>""")));
        items.Add(new("check skipped", (x, y) => svg.Append(Invariant, $"""<circle cx="{Px(x + 11)}" cy="{Px(y)}" r="3.5" fill="#fff" stroke="{Skipped}" stroke-width="1.5"/>""")));
        return items;
    }

    private void LegendLine(double x, double y, string colour, string? dash, Marker marker)
    {
        var dashes = dash is null ? string.Empty : $" stroke-dasharray=\"{dash}\"";
        svg.Append(Invariant, $"""<line x1="{Px(x)}" y1="{Px(y)}" x2="{Px(x + 22)}" y2="{Px(y)}" stroke="{colour}" stroke-width="2"{dashes}/>""");
        MarkerShape(marker, x + 11, y, 3, colour, colour);
    }

    /// <summary>Legend entries laid left to right, wrapping to a new row when the next would pass the plot's right edge.</summary>
    private static List<(double X, int Row)> LegendLayout(List<LegendItem> items)
    {
        var places = new List<(double X, int Row)>();
        var x = PlotLeft;
        var row = 0;
        foreach (var item in items)
        {
            var width = 30 + LabelWidth(item.Label);
            if (x + width > PlotRight && x > PlotLeft)
            {
                row++;
                x = PlotLeft;
            }

            places.Add((x, row));
            x += width + 18;
        }

        return places;
    }

    private void DrawLegend(List<LegendItem> items)
    {
        var places = LegendLayout(items);
        svg.Append("""<g class="legend">""");
        for (var i = 0; i < items.Count; i++)
        {
            var (x, row) = places[i];
            var y = LegendTop + (row * LegendRow) + 8;
            items[i].Swatch(x, y);
            svg.Append(Invariant, $"""<text x="{Px(x + 28)}" y="{Px(y + 4)}" fill="{Ink}">{HtmlText.Escape(items[i].Label)}</text>""");
        }

        svg.Append("</g>");
    }
}
