using AtlasBank.Chaos.Agent.Shadow;
using AtlasBank.Chaos.Contracts.Shadow;

namespace AtlasBank.Chaos.Tests.Shadow;

public sealed class JsonComparerTests
{
    private static readonly JsonComparer Defaults = new(new ShadowOptions().IgnorePaths);

    [Fact]
    public void EqualAnswersHaveNoDifferences() =>
        Assert.Empty(Defaults.Compare(200, """{"id":"a","balance":10.00}""", 200, """{"balance":10.00,"id":"a"}"""));

    [Fact]
    public void NumbersCompareByValueNotSpelling() =>
        Assert.Empty(Defaults.Compare(200, """{"balance":10.5}""", 200, """{"balance":10.50}"""));

    [Fact]
    public void EachDifferingFieldIsNamedWithBothValues()
    {
        var differences = Defaults.Compare(200, """{"balance":10.00,"entries":[{"amount":1},{"amount":2}]}""", 200,
            """{"balance":11.00,"entries":[{"amount":1}]}""");

        Assert.Equal(
            [new Difference("$.balance", "10.00", "11.00"), new Difference("$.entries[1]", """{"amount":2}""", null)],
            differences);
    }

    [Fact]
    public void AStatusDifferenceIsADifference() =>
        Assert.Contains(new Difference("status", "200", "404"), Defaults.Compare(200, "{}", 404, "{}"));

    [Fact]
    public void TheDefaultRulesIgnoreATraceIdThatDiffersOnEveryRequest()
    {
        const string primary = """{"status":404,"title":"Account not found.","traceId":"00-aaa-01"}""";
        const string dr = """{"status":404,"title":"Account not found.","traceId":"00-bbb-01"}""";

        Assert.Empty(Defaults.Compare(404, primary, 404, dr));
        Assert.Single(new JsonComparer([]).Compare(404, primary, 404, dr));
    }

    [Theory]
    [InlineData("$.entries[*].createdAt", "$.entries[3].createdAt", true)]
    [InlineData("$.entries[*].createdAt", "$.createdAt", false)]
    [InlineData("**.checkedAt", "$.a.b.checkedAt", true)]
    [InlineData("*.version", "$.meta.version", true)]
    [InlineData("*.version", "$.a.meta.version", false)]
    public void IgnoreRulesMatchBySegment(string rule, string path, bool ignored)
    {
        var field = path[(path.LastIndexOf('.') + 1)..];
        var nested = path.TrimStart('$', '.').Split('.').Reverse().Aggregate("1", (inner, segment) => Wrap(segment, inner));
        var changed = nested.Replace("1", "2", StringComparison.Ordinal);

        var differences = new JsonComparer([rule]).Compare(200, nested, 200, changed);

        Assert.Equal(ignored, differences.Count == 0);
        Assert.All(differences, d => Assert.EndsWith(field, d.Path, StringComparison.Ordinal));
    }

    [Fact]
    public void BodiesThatAreNotJsonCompareAsText()
    {
        Assert.Empty(Defaults.Compare(200, "Healthy", 200, "Healthy"));
        Assert.Single(Defaults.Compare(200, "Healthy", 200, "Unhealthy"));
    }

    [Theory]
    [InlineData("0/1D59158", 0x1D59158UL)]
    [InlineData("16/B374D848", 0x16B374D848UL)]
    [InlineData("nonsense", null)]
    [InlineData(null, null)]
    public void LsnsParseAsPostgreSqlPrintsThem(string? text, ulong? expected) => Assert.Equal(expected, Lsn.Parse(text));

    [Fact]
    public void DriftRateCountsOnlyDefiniteAnswersAndSubtractsTheNoiseFloor()
    {
        var settings = new ShadowOptions { DriftThreshold = 0.10 };
        var report = DriftValidator.Report(new ShadowCounts(Match: 80, Drift: 20, Lag: 50, Error: 5, Chaos: 7, NoiseObserved: 100, NoiseDisagreed: 5), settings, DateTimeOffset.UnixEpoch);

        Assert.Equal(100, report.Compared);
        Assert.Equal(0.20, report.DriftRate);
        Assert.Equal(0.05, report.NoiseFloor);
        Assert.Equal(0.15, report.DriftAboveNoise);
        Assert.True(report.Alert);
    }

    [Fact]
    public void DriftWithinTheNoiseFloorRaisesNoAlert()
    {
        var report = DriftValidator.Report(new ShadowCounts(90, 10, 0, 0, 0, 100, 10), new ShadowOptions(), DateTimeOffset.UnixEpoch);

        Assert.Equal(0, report.DriftAboveNoise);
        Assert.False(report.Alert);
    }

    private static string Wrap(string segment, string inner)
    {
        var bracket = segment.IndexOf('[', StringComparison.Ordinal);
        if (bracket < 0)
        {
            return $$"""{"{{segment}}":{{inner}}}""";
        }

        var index = int.Parse(segment[(bracket + 1)..^1], System.Globalization.CultureInfo.InvariantCulture);
        var items = string.Join(",", Enumerable.Repeat("null", index).Append(inner));
        return $$"""{"{{segment[..bracket]}}":[{{items}}]}""";
    }
}
