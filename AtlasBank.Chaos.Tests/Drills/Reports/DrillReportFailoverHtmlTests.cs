using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using AtlasBank.Chaos.Manager.Dr;
using AtlasBank.Chaos.Manager.Drills.Reports;

namespace AtlasBank.Chaos.Tests.Drills.Reports;

/// <summary>
/// The failover in a drill report's page: the failover section (four RTO numbers, the RPO with the stranded
/// transfers, the fence and mode, the failback's checksums and reconciliation) and the failover on the timeline
/// (its moments as markers, the writer moving, the failed-over region's stretch shaded). A run that did not fail
/// over shows none of it.
/// </summary>
public sealed class DrillReportFailoverHtmlTests
{
    private static readonly XNamespace Xhtml = "http://www.w3.org/1999/xhtml";
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void ARunThatFailedOverNamesTheFourRtoNumbersWithWhatEachMeasures()
    {
        var report = SampleDrillReports.FailedOver();
        var failover = report.Failover!;

        var rows = Element(Parse(DrillReportHtml.Render(report)), "rto").Descendants(Xhtml + "tr").Where(row => (string?)row.Attribute("class") == "rto").ToList();

        Assert.Equal(4, rows.Count);
        AssertRow(rows[0], "RtoDetectionSeconds", failover.RtoDetectionSeconds, "region-a was found down: by the detector");
        AssertRow(rows[1], "RtoPromotionSeconds", failover.RtoPromotionSeconds, "region-b was promoted");
        AssertRow(rows[2], "RtoFirstWriteSeconds", failover.RtoFirstWriteSeconds, "first transfer acknowledged through the logical ledger name");
        AssertRow(rows[3], "RtoThroughputSeconds", failover.RtoThroughputSeconds, "90 %");

        static void AssertRow(XElement row, string name, double? seconds, string measures)
        {
            Assert.Contains(name, row.Value, StringComparison.Ordinal);
            Assert.Contains($"{seconds!.Value.ToString("0.###", CultureInfo.InvariantCulture)} s", row.Value, StringComparison.Ordinal);
            Assert.Contains(measures, row.Value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheRpoNamesEveryStrandedTransferWithTheAmountWhereItWasMeasuredTheLagTheModeAndTheFence()
    {
        var report = SampleDrillReports.FailedOver();
        var page = Parse(DrillReportHtml.Render(report));

        var rpo = Element(page, "rpo").Value;
        Assert.Contains("2 acknowledged transfers region-b lacked at promotion", rpo, StringComparison.Ordinal);
        Assert.Contains("752.50", rpo, StringComparison.Ordinal);
        Assert.Contains("database: region-a's and region-b's transfers compared by id", rpo, StringComparison.Ordinal);
        Assert.Contains("18,432 bytes of WAL", rpo, StringComparison.Ordinal);
        Assert.Contains("async", rpo, StringComparison.Ordinal);
        Assert.Contains("✓ fenced", rpo, StringComparison.Ordinal);
        Assert.Contains(report.Failover!.FenceDetail!, rpo, StringComparison.Ordinal);

        var stranded = Element(page, "stranded").Descendants(Xhtml + "tr").Where(row => (string?)row.Attribute("class") == "stranded").ToList();
        Assert.Equal(
            [SampleDrillReports.StrandedPosted.ToString(), SampleDrillReports.StrandedForReview.ToString()],
            stranded.Select(row => row.Elements(Xhtml + "td").First().Value));
        Assert.Contains("740.00 EUR", stranded[1].Value, StringComparison.Ordinal);
        Assert.Contains("wl-0193f2a0-0413", stranded[1].Value, StringComparison.Ordinal);
    }

    [Fact]
    public void TheFailbackShowsTheChecksumsAndWhatEachStrandedTransferCameTo()
    {
        var report = SampleDrillReports.FailedOver();
        var page = Parse(DrillReportHtml.Render(report));

        Assert.Contains("✓ equal", Element(page, "failback").Value, StringComparison.Ordinal);
        Assert.Contains(report.Failback!.Checksum!, Element(page, "failback").Value, StringComparison.Ordinal);
        var rows = Element(page, "reconciliation").Descendants(Xhtml + "tr").Where(row => ((string?)row.Attribute("class"))?.StartsWith("reconciled", StringComparison.Ordinal) is true).ToList();
        Assert.Equal(2, rows.Count);
        var posted = rows.Single(row => row.Value.Contains(SampleDrillReports.StrandedPosted.ToString(), StringComparison.Ordinal));
        Assert.Equal("reconciled posted", (string?)posted.Attribute("class"));
        Assert.Contains("✓ posted", posted.Value, StringComparison.Ordinal);
        Assert.Contains(SampleDrillReports.RepostedAs.ToString(), posted.Value, StringComparison.Ordinal);
        Assert.Contains("wl-0193f2a0-0412", posted.Value, StringComparison.Ordinal);
        var review = rows.Single(row => row.Value.Contains(SampleDrillReports.StrandedForReview.ToString(), StringComparison.Ordinal));
        Assert.Equal("reconciled manual-review", (string?)review.Attribute("class"));
        Assert.Contains("manual review", review.Value, StringComparison.Ordinal);
        Assert.Contains(SampleDrillReports.ReviewReason, review.Value, StringComparison.Ordinal);
        Assert.Contains("740.00 EUR", review.Value, StringComparison.Ordinal);
    }

    [Fact]
    public void TheTimelineMarksTheFailoverMomentsInOrderTheWriterMovingAndTheFailedOverRegionServing()
    {
        var report = SampleDrillReports.FailedOver();
        var svg = Parse(DrillReportHtml.Render(report)).Descendants(Svg + "svg").Single();

        var markers = Classed(svg, "failover-marker")
            .Select(marker => (Marker: marker, X: double.Parse((string)marker.Element(Svg + "line")!.Attribute("x1")!, CultureInfo.InvariantCulture)))
            .OrderBy(marker => marker.X)
            .Select(marker => marker.Marker)
            .ToList();
        string[] moments = ["fault", "detected", "promoted", "first-write", "throughput", "failed-back"];
        Assert.Equal(moments, markers.Select(marker => ((string)marker.Attribute("class")!).Split(' ')[1]));
        var xs = markers.Select(marker => double.Parse((string)marker.Element(Svg + "line")!.Attribute("x1")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(xs.Distinct(), xs);
        Assert.Contains("back on region-a", markers[^1].Value, StringComparison.Ordinal);
        Assert.Contains("RTO 2.28 s", markers[3].Value, StringComparison.Ordinal);

        Assert.Equal(["region-a → region-b", "region-b → region-a"], Classed(svg, "failover-band").Select(band => band.Element(Svg + "text")!.Value));
        Assert.Equal("region-b writes", Classed(svg, "writer-period").Single().Element(Svg + "text")!.Value);
        var shade = Classed(svg, "region-shade").Single();
        Assert.Equal(xs[2], double.Parse((string)shade.Attribute("x")!, CultureInfo.InvariantCulture), 1);
        Assert.Equal(xs[5], xs[2] + double.Parse((string)shade.Attribute("width")!, CultureInfo.InvariantCulture), 1);
    }

    [Fact]
    public void FailoverLabelsOnTheTimelineNeitherOverlapNorLeaveTheChart()
    {
        var sample = SampleDrillReports.FailedOver();
        var failover = sample.Failover!;
        var crowded = sample with
        {
            // Every moment within a second of the fault, and the failback at the run's very end.
            Failover = failover with
            {
                DetectedAt = failover.FaultStartedAt!.Value.AddSeconds(0.2),
                CompletedAt = failover.FaultStartedAt.Value.AddSeconds(0.4),
                FirstWriteAt = failover.FaultStartedAt.Value.AddSeconds(0.5),
                ThroughputRecoveredAt = failover.FaultStartedAt.Value.AddSeconds(0.9),
            },
            Failback = sample.Failback! with { StartedAt = sample.EndedAt!.Value.AddSeconds(-0.6), CompletedAt = sample.EndedAt.Value.AddSeconds(-0.1) },
        };

        foreach (var report in new[] { sample, crowded })
        {
            var svg = Parse(DrillReportHtml.Render(report)).Descendants(Svg + "svg").Single();
            var width = double.Parse(((string)svg.Attribute("viewBox")!).Split(' ')[2], CultureInfo.InvariantCulture);
            var labels = Classed(svg, "failover-marker").Concat(Classed(svg, "failover-band")).Concat(Classed(svg, "writer-period"))
                .Select(group => Box(group.Element(Svg + "text")!))
                .ToList();

            Assert.All(labels, label => Assert.InRange(label.Left, 0, label.Right));
            Assert.All(labels, label => Assert.InRange(label.Right, label.Left, width));
            foreach (var (a, i) in labels.Select((label, i) => (label, i)))
            {
                Assert.DoesNotContain(labels.Skip(i + 1), b => a.Y == b.Y && a.Left < b.Right && b.Left < a.Right);
            }
        }
    }

    [Fact]
    public void AMissingNumberSaysWhyInsteadOfShowingZero()
    {
        var sample = SampleDrillReports.FailedOver();
        var report = sample with
        {
            Workload = null,
            Timeline = [],
            Failover = sample.Failover! with
            {
                DetectedAt = null,
                FirstWriteAt = null,
                ThroughputRecoveredAt = null,
                LagBytesAtFault = null,
                FromDatabaseReachable = false,
                FromLsnAtFence = null,
                Mode = ReplicationModes.Unknown,
                RpoSource = RpoSources.Unknown,
                RpoTransactions = 0,
                RpoAmount = 0,
                RpoTransferIds = [],
                Stranded = [],
            },
            Failback = null,
        };

        var page = Parse(DrillReportHtml.Render(report));

        var rto = Element(page, "rto").Descendants(Xhtml + "tr").Where(row => (string?)row.Attribute("class") == "rto").Select(row => row.Value).ToList();
        Assert.Contains("— not measured: the promotion did not wait for detection", rto[0], StringComparison.Ordinal);
        Assert.Contains("2.21 s", rto[1], StringComparison.Ordinal);
        Assert.Contains("— not measured: no workload", rto[2], StringComparison.Ordinal);
        Assert.Contains("— not measured: no workload", rto[3], StringComparison.Ordinal);
        var rpo = Element(page, "rpo").Value;
        Assert.Contains("— not measured: region-a's database could not be compared", rpo, StringComparison.Ordinal);
        Assert.DoesNotContain("0 acknowledged transfers", rpo, StringComparison.Ordinal);
        Assert.Contains("— not measured: region-a's database could not be read", rpo, StringComparison.Ordinal);
        Assert.Contains("did not fail back: region-b was still the writer", Element(page, "failback").Value, StringComparison.Ordinal);
        Assert.Contains("What was lost (RPO) is not known.", Element(page, "failover-summary").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void ARunStillOnTheFailedOverRegionShadesItUpToTheLatestEvidence()
    {
        var sample = SampleDrillReports.FailedOver();
        var report = sample with { State = "running", EndedAt = null, Failback = null };

        var page = Parse(DrillReportHtml.Render(report));
        var svg = page.Descendants(Svg + "svg").Single();

        var period = Classed(svg, "writer-period").Single();
        Assert.Contains("to the end of the evidence", period.Value, StringComparison.Ordinal);
        Assert.Single(Classed(svg, "region-shade"));
        Assert.Empty(Classed(svg, "failed-back"));
        Assert.Contains("has not failed back yet", Element(page, "failback").Value, StringComparison.Ordinal);
        Assert.Contains("2 stranded transfers not reconciled yet", Element(page, "reconciliation").Value, StringComparison.Ordinal);
    }

    [Fact]
    public void AFailoverThatFailedIsShownAsFailedNotAsAPromotion()
    {
        var sample = SampleDrillReports.FailedOver();
        var report = sample with
        {
            Failover = sample.Failover! with { State = FailoverStates.Failed, Error = "region-b's database did not answer", FirstWriteAt = null, ThroughputRecoveredAt = null },
            Failback = null,
        };

        var page = Parse(DrillReportHtml.Render(report));
        var svg = page.Descendants(Svg + "svg").Single();

        Assert.Contains("— not promoted: the failover failed", Element(page, "rto").Value, StringComparison.Ordinal);
        Assert.Contains("The failover failed: region-b's database did not answer", Element(page, "failover-summary").Value, StringComparison.Ordinal);
        Assert.Contains("failover failed", Classed(svg, "failed").Single().Value, StringComparison.Ordinal);
        Assert.Empty(Classed(svg, "region-shade"));
        Assert.Empty(Classed(svg, "writer-period"));
    }

    [Theory]
    [InlineData("passed")]
    [InlineData("failed")]
    [InlineData("aborted")]
    [InlineData("running")]
    [InlineData("long")]
    public void ARunThatDidNotFailOverHasNoFailoverSectionAndNothingOfItOnTheTimeline(string sample)
    {
        var report = SampleDrillReports.All.Single(candidate => candidate.Name == sample).Report;
        Assert.Null(report.Failover);

        var page = Parse(DrillReportHtml.Render(report));
        var svg = page.Descendants(Svg + "svg").Single();

        Assert.DoesNotContain(page.Descendants(), element => (string?)element.Attribute("id") is "failover" or "rto" or "rpo" or "failback" or "reconciliation");
        Assert.DoesNotContain(page.Descendants(Xhtml + "h2"), heading => heading.Value.Contains("Failover", StringComparison.Ordinal));
        foreach (var name in new[] { "failover-marker", "failover-band", "writer-period", "region-shade" })
        {
            Assert.Empty(Classed(svg, name));
        }

        Assert.DoesNotContain(svg.Descendants(Svg + "text"), text => text.Value is "writer" or "failover");
    }

    [Fact]
    public void EveryTextAFailoverCarriesIsEscapedWhereverItIsShown()
    {
        const string Markup = "<img src=x onerror=alert(1)>&\"'";
        var sample = SampleDrillReports.FailedOver();
        var report = sample with
        {
            Failover = sample.Failover! with
            {
                FailoverId = Markup, FromRegion = Markup, ToRegion = Markup, Reason = Markup, Error = Markup, FenceDetail = Markup, Mode = Markup,
                FromLsnAtFence = Markup, RpoSource = Markup, Stranded = [.. sample.Failover.Stranded.Select(transfer => transfer with { IdempotencyKey = Markup, Currency = Markup })],
            },
            Failback = sample.Failback! with
            {
                FailoverId = Markup, FromRegion = Markup, ToRegion = Markup, State = Markup, Error = Markup, Checksum = Markup,
                Reconciliation = [.. sample.Failback.Reconciliation.Select(result => result with { IdempotencyKey = Markup, Outcome = Markup, Reason = Markup })],
            },
        };

        var html = DrillReportHtml.Render(report);
        var page = Parse(html);

        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain(page.Descendants(), element => element.Attribute("src") is not null || element.Attribute("onerror") is not null);
        var texts = page.DescendantNodes().OfType<XText>().Count(text => text.Value.Contains(Markup, StringComparison.Ordinal));
        Assert.True(texts >= 20, $"each field shows up as text ({texts} times)");
    }

    private sealed record LabelBox(double Left, double Right, double Y);

    /// <summary>Where a label sits, estimated as the chart does: 6.4 px a character of 11 px text.</summary>
    private static LabelBox Box(XElement text)
    {
        var x = double.Parse((string)text.Attribute("x")!, CultureInfo.InvariantCulture);
        var y = double.Parse((string)text.Attribute("y")!, CultureInfo.InvariantCulture);
        var width = text.Value.Length * 6.4;
        return (string?)text.Attribute("text-anchor") == "end" ? new(x - width, x, y) : new(x, x + width, y);
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    private static XElement Element(XDocument page, string id) =>
        page.Descendants().Single(element => (string?)element.Attribute("id") == id);

    private static IEnumerable<XElement> Classed(XElement root, string name) =>
        root.Descendants().Where(element => ((string?)element.Attribute("class"))?.Split(' ').Contains(name) is true);
}
