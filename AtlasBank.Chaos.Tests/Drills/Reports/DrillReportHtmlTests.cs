using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Reports;
using AtlasBank.Chaos.Manager.Drills.Runs;

namespace AtlasBank.Chaos.Tests.Drills.Reports;

/// <summary>
/// The drill report's HTML page: self-contained, every value escaped, one SVG timeline with a band per chaos band
/// and a marker per step and check, and the verdict, reason, invariants and audit heads an auditor looks for.
/// The page is well-formed XHTML, so these tests parse it and count elements.
/// </summary>
public sealed class DrillReportHtmlTests
{
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static TheoryData<string> Samples => [.. SampleDrillReports.All.Select(sample => sample.Name)];

    [Theory]
    [MemberData(nameof(Samples))]
    public void ThePageIsWellFormedAndFetchesNothing(string sample)
    {
        var html = DrillReportHtml.Render(Sample(sample));
        var page = Parse(html);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(page.Descendants(), element => element.Attribute("src") is not null || element.Attribute("href") is not null);
        Assert.DoesNotContain(page.Descendants(), element => element.Name.LocalName is "script" or "link" or "img" or "iframe" or "object" or "embed");
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);

        var policy = page.Descendants(Xhtml + "meta").Single(meta => (string?)meta.Attribute("http-equiv") == "Content-Security-Policy");
        Assert.StartsWith("default-src 'none'", (string?)policy.Attribute("content"), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheTimelineIsOneSvgWithABandPerChaosBandAMarkerPerStepAndPerCheck(string sample)
    {
        var report = Sample(sample);
        var svg = Assert.Single(Parse(DrillReportHtml.Render(report)).Descendants(Svg + "svg"));

        Assert.Equal(report.ChaosBands.Count, Classed(svg, "chaos-band").Count());
        Assert.Equal(report.Steps.Count, Classed(svg, "step").Count());
        Assert.Equal(report.Steps.Count(step => step.Phase == "rollback"), Classed(svg, "rollback").Count());
        Assert.Equal(report.Checks.Count, Classed(svg, "check").Count());
        Assert.Equal(report.Checks.Count(check => check.Outcome == "violated"), Classed(svg, "violated").Count());
        Assert.Single(Classed(svg, "verdict"));
        Assert.Contains(report.State.ToUpperInvariant(), Classed(svg, "verdict").Single().Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AStepDetailHoldingAScriptIsShownAsTextAndNeverRuns()
    {
        var report = SampleDrillReports.Failed();
        var html = DrillReportHtml.Render(report);

        Assert.DoesNotContain(SampleDrillReports.ScriptDetail, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        var steps = Parse(html).Descendants(Xhtml + "tr").Where(row => (string?)row.Attribute("class") == "step-row");
        Assert.Contains(steps, row => row.Value.Contains(SampleDrillReports.ScriptDetail, StringComparison.Ordinal));
    }

    [Fact]
    public void EveryTextAReportCarriesIsEscapedWhereverItIsShown()
    {
        const string Markup = "<img src=x onerror=alert(1)>&\"'";
        var report = Hostile(SampleDrillReports.Failed(), Markup);

        var html = DrillReportHtml.Render(report);
        var page = Parse(html);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain(page.Descendants(), element => element.Attribute("src") is not null || element.Attribute("onerror") is not null);
        var texts = page.DescendantNodes().OfType<XText>().Select(text => text.Value).ToList();
        Assert.Contains(texts, text => text.Contains(Markup, StringComparison.Ordinal));
        Assert.True(texts.Count(text => text.Contains(Markup, StringComparison.Ordinal)) >= 10, "each field shows up as text");
    }

    [Fact]
    public void CharactersXmlCannotCarryAreReplacedSoThePageStaysWellFormed()
    {
        var report = SampleDrillReports.Aborted() with { Reason = "probe read \u0001\u001b[31m and a lone \ud800 surrogate" };

        var page = Parse(DrillReportHtml.Render(report));

        Assert.Contains("probe read \uFFFD\uFFFD[31m and a lone \uFFFD surrogate", Element(page, "reason").Value, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void TheVerdictReasonWhoRanItAndTheAuditHeadsAppear(string sample)
    {
        var report = Sample(sample);
        var page = Parse(DrillReportHtml.Render(report));

        Assert.Contains(report.State.ToUpperInvariant(), Element(page, "verdict").Value, StringComparison.Ordinal);
        Assert.Contains($"badge {report.State}", (string?)Element(page, "verdict").Attribute("class"), StringComparison.Ordinal);
        if (report.Reason is not null)
        {
            Assert.Contains(report.Reason, Element(page, "reason").Value, StringComparison.Ordinal);
        }

        Assert.Contains(report.StartedBy!, Element(page, "run").Value, StringComparison.Ordinal);
        Assert.Contains(report.Objective, Element(page, "run").Value, StringComparison.Ordinal);
        var audit = Element(page, "audit").Value;
        foreach (var head in new[] { report.AuditHeadAtStart, report.AuditHeadAtEnd }.OfType<AuditHead>())
        {
            Assert.Contains(head.Id.ToString(CultureInfo.InvariantCulture), audit, StringComparison.Ordinal);
            Assert.Contains(head.Mac, audit, StringComparison.Ordinal);
        }

        Assert.Contains("GET /chaos/audit/verify", audit, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailedRunNamesTheViolatedInvariantWithItsEvidenceAccountAndTransfer()
    {
        var report = SampleDrillReports.Failed();
        var page = Parse(DrillReportHtml.Render(report));

        var rows = page.Descendants(Xhtml + "tr").Where(row => (string?)row.Attribute("class") == "invariant").ToList();
        Assert.Equal(LedgerInvariantNames.All, rows.Select(row => row.Elements(Xhtml + "td").First().Value));
        var conservation = rows.Single(row => row.Elements(Xhtml + "td").First().Value == LedgerInvariantNames.Conservation);
        Assert.Contains("VIOLATED", conservation.Value, StringComparison.Ordinal);
        Assert.Contains(report.Invariants.First(result => !result.Holds).Evidence, conservation.Value, StringComparison.Ordinal);
        Assert.Contains(SampleDrillReports.TamperedAccount.ToString(), conservation.Value, StringComparison.Ordinal);
        Assert.Contains(SampleDrillReports.TamperedTransfer, conservation.Value, StringComparison.Ordinal);
        Assert.All(rows.Where(row => row != conservation), row => Assert.Contains("HELD", row.Value, StringComparison.Ordinal));
    }

    [Fact]
    public void TheHypothesisTableShowsEachProbeBeforeDuringAndAfter()
    {
        var page = Parse(DrillReportHtml.Render(SampleDrillReports.Failed()));

        var table = Element(page, "hypothesis").Descendants(Xhtml + "tbody").Single();
        var money = table.Elements(Xhtml + "tr").Single(row => row.Elements(Xhtml + "td").First().Value.StartsWith("money", StringComparison.Ordinal));
        var cells = money.Elements(Xhtml + "td").Select(cell => cell.Value).ToList();
        Assert.Contains("held 1 of 1", cells[1], StringComparison.Ordinal);
        Assert.Contains("violated 1 of 10", cells[2], StringComparison.Ordinal);
        Assert.Contains("first at +41 s: conservation", cells[2], StringComparison.Ordinal);
        Assert.Contains("held 1 of 1", cells[3], StringComparison.Ordinal);
    }

    [Fact]
    public void ARunWithoutWorkloadStillDrawsItsBandsStepsAndChecksAndSaysThereIsNoWorkload()
    {
        var report = SampleDrillReports.Aborted();
        var page = Parse(DrillReportHtml.Render(report));
        var svg = page.Descendants(Svg + "svg").Single();

        Assert.Equal(3, Classed(svg, "chaos-band").Count());
        Assert.Empty(Classed(svg, "series"));
        Assert.Empty(Classed(svg, "throughput"));
        Assert.Contains("No workload in this run", svg.Value, StringComparison.Ordinal);
        Assert.Contains("runs no workload", Element(page, "workload").Value, StringComparison.Ordinal);
        Assert.Contains("no money invariant applies", Element(page, "invariants").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunStillGoingIsDrawnUpToItsLatestEvidenceWithItsBandStillOn()
    {
        var page = Parse(DrillReportHtml.Render(SampleDrillReports.Running()));
        var svg = page.Descendants(Svg + "svg").Single();

        Assert.Contains("RUNNING: evidence up to +15 s", Classed(svg, "verdict").Single().Value, StringComparison.Ordinal);
        Assert.Contains("still on", Classed(svg, "chaos-band").Single().Value, StringComparison.Ordinal);
        Assert.Contains("not ended", Element(page, "run").Value, StringComparison.Ordinal);
        Assert.Contains("not recorded", Element(page, "audit").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunThatEndedAsItStartedOrNeverStartedStillGetsAPageAndAnAxis()
    {
        var created = SampleDrillReports.Start;
        var empty = new DrillReport("run-0", "service-latency", "Zero", "Objective.", "ledger", null, new DrillRunParameters(20, null),
            DrillRunStates.Pending, null, created, null, null, [], [], [], [], null, [], null, null, null);
        var instant = empty with { State = DrillRunStates.Failed, Reason = "Deadline.", StartedAt = created, EndedAt = created };

        foreach (var report in new[] { empty, instant })
        {
            var html = DrillReportHtml.Render(report);
            var svg = Parse(html).Descendants(Svg + "svg").Single();

            Assert.Contains("seconds since the run started", svg.Value, StringComparison.Ordinal);
            Assert.DoesNotContain("NaN", html, StringComparison.Ordinal);
            Assert.DoesNotContain("Infinity", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ThePageIsTheSameWhateverTheServersCulture()
    {
        var report = SampleDrillReports.Long();
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = DrillReportHtml.Render(report);
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var german = DrillReportHtml.Render(report);

            Assert.Equal(invariant, german);
            Assert.Contains("2026-11-27 09:30:00.000 UTC", german, StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    private static DrillReport Sample(string name) => SampleDrillReports.All.Single(sample => sample.Name == name).Report;

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static XElement Element(XDocument page, string id) =>
        page.Descendants().Single(element => (string?)element.Attribute("id") == id);

    private static IEnumerable<XElement> Classed(XElement root, string name) =>
        root.Descendants().Where(element => ((string?)element.Attribute("class"))?.Split(' ').Contains(name) is true);

    /// <summary>The report with every free text a drill, run, probe, step or invariant carries replaced by <paramref name="text"/>.</summary>
    private static DrillReport Hostile(DrillReport report, string text) => report with
    {
        RunId = text,
        Drill = text,
        Title = text,
        Objective = text,
        Target = text,
        StartedBy = text,
        State = text,
        Reason = text,
        Steps = [.. report.Steps.Select(step => step with { Phase = text, Kind = text, Description = text, Outcome = text, Detail = text })],
        Checks = [.. report.Checks.Select(check => check with { Phase = text, Probe = text, Kind = text, Outcome = text, Detail = text })],
        ChaosBands = [.. report.ChaosBands.Select(band => band with { Service = text, Mode = text })],
        Timeline = report.Timeline,
        Workload = report.Workload,
        Invariants = [.. report.Invariants.Select(result => result with { Invariant = text, Evidence = text, Transfers = [text] })],
        AuditHeadAtStart = new AuditHead(1, text),
        AuditHeadAtEnd = new AuditHead(2, text),
    };
}
