using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Tests.Observability;

/// <summary>
/// The alert rules an SRE loads into Prometheus (AtlasBank.Chaos.AppHost/Observability/prometheus): valid for
/// <c>promtool check rules</c>, their unit tests passing <c>promtool test rules</c>, the spec's two rules exactly as the
/// spec writes them, and every alert tested both firing and quiet. promtool comes with the Debian <c>prometheus</c>
/// package, which <c>./build.sh test</c> installs; a missing promtool fails, never skips.
/// </summary>
public sealed partial class PrometheusRulesTests
{
    /// <summary>The alerts issue 13 asks for: the spec's two, and what the chaos and DR safety features add.</summary>
    private static readonly string[] RequiredAlerts =
    [
        "HighDriftRate", "ChaosInjectionFailures", "DrReplicationUnhealthy", "ChaosOutlivedLease",
        "ChaosAutoDisabled", "DrillFailed", "ChaosKillSwitchUsed",
    ];

    private static readonly string Folder = Path.Combine(ObservabilityFiles.Folder, "prometheus");

    [GeneratedRegex(@"^\s*- alert: (?<name>\S+)\s*$")]
    private static partial Regex AlertLine();

    [GeneratedRegex(@"^\s*alertname: (?<name>\S+)\s*$")]
    private static partial Regex AlertNameLine();

    public static TheoryData<string> RuleFiles => [.. Files("rules", "*.yml")];

    public static TheoryData<string> RuleTestFiles => [.. Files("tests", "*.test.yml")];

    [Theory]
    [MemberData(nameof(RuleFiles))]
    public async Task EveryRuleFilePassesPromtoolCheckRules(string file)
    {
        var (exitCode, output) = await PromtoolAsync("check", "rules", file);

        Assert.True(exitCode == 0, $"promtool check rules {file} exited with {exitCode}:\n{output}");
    }

    [Theory]
    [MemberData(nameof(RuleTestFiles))]
    public async Task EveryRuleUnitTestFilePassesPromtoolTestRules(string file)
    {
        var (exitCode, output) = await PromtoolAsync("test", "rules", file);

        Assert.True(exitCode == 0, $"promtool test rules {file} exited with {exitCode}:\n{output}");
    }

    [Theory]
    [InlineData("HighDriftRate", "expr: drift_detection_rate > 0.1", "for: 5m", "severity: warning", "summary: \"High drift rate detected between main and DR\"")]
    [InlineData("ChaosInjectionFailures", "expr: rate(chaos_injections_failed_total[5m]) > 0.1", "for: 2m", "severity: critical", "summary: \"Chaos injection failures detected\"")]
    public void TheSpecsAlertRulesAreThereExactlyAsTheSpecWritesThem(string alert, string expr, string forLine, string severity, string summary)
    {
        var rule = AlertBlocks().Single(block => block.Name == alert).Lines;

        // Exactly the spec's lines in the spec's order: one label (severity), the summary first of the annotations.
        string[] spec = [$"- alert: {alert}", expr, forLine, "labels:", severity, "annotations:", summary];
        Assert.Equal(spec, rule.Take(spec.Length));
    }

    [Fact]
    public void EveryAlertTheIssueAsksForIsDefinedOnce()
    {
        var names = AlertBlocks().Select(block => block.Name).ToList();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        Assert.All(RequiredAlerts, alert => Assert.Contains(alert, names));
    }

    [Fact]
    public void EveryAlertHasASeveritySummaryDescriptionAndRunbook()
    {
        foreach (var (name, lines) in AlertBlocks())
        {
            foreach (var field in new[] { "severity: ", "summary: ", "description: ", "runbook: " })
            {
                Assert.True(lines.Any(line => line.StartsWith(field, StringComparison.Ordinal)), $"{name} has no {field.TrimEnd(' ', ':')}.");
            }
        }
    }

    [Fact]
    public void EveryAlertHasAUnitTestWhereItFiresAndOneWhereItStaysQuiet()
    {
        var (firing, quiet) = TestedAlerts();

        foreach (var (name, _) in AlertBlocks())
        {
            Assert.True(firing.Contains(name), $"No unit test in {Folder}/tests expects {name} to fire.");
            Assert.True(quiet.Contains(name), $"No unit test in {Folder}/tests expects {name} to stay quiet (exp_alerts: []).");
        }
    }

    private static IEnumerable<string> Files(string subfolder, string pattern) =>
        Directory.GetFiles(Path.Combine(Folder, subfolder), pattern).Order(StringComparer.Ordinal).Select(file => Path.GetRelativePath(Folder, file));

    /// <summary>Each alert's lines, trimmed, from its <c>- alert:</c> line to the next rule, group or file end.</summary>
    private static IEnumerable<(string Name, IReadOnlyList<string> Lines)> AlertBlocks()
    {
        foreach (var file in Files("rules", "*.yml"))
        {
            var lines = File.ReadAllLines(Path.Combine(Folder, file));
            for (var i = 0; i < lines.Length; i++)
            {
                if (AlertLine().Match(lines[i]) is not { Success: true } alert)
                {
                    continue;
                }

                var block = new List<string> { lines[i].Trim() };
                for (var j = i + 1; j < lines.Length && !lines[j].TrimStart().StartsWith('-'); j++)
                {
                    if (lines[j].Trim() is { Length: > 0 } line && !line.StartsWith('#'))
                    {
                        block.Add(line);
                    }
                }

                yield return (alert.Groups["name"].Value, block);
            }
        }
    }

    /// <summary>
    /// The alerts the unit tests expect firing (an <c>alertname</c> whose <c>exp_alerts</c> lists alerts) and quiet
    /// (<c>exp_alerts: []</c>).
    /// </summary>
    private static (HashSet<string> Firing, HashSet<string> Quiet) TestedAlerts()
    {
        var (firing, quiet) = (new HashSet<string>(StringComparer.Ordinal), new HashSet<string>(StringComparer.Ordinal));
        foreach (var file in Files("tests", "*.test.yml"))
        {
            var lines = File.ReadAllLines(Path.Combine(Folder, file)).Select(line => line.Trim()).Where(line => line.Length > 0 && !line.StartsWith('#')).ToArray();
            for (var i = 0; i + 1 < lines.Length; i++)
            {
                if (AlertNameLine().Match(lines[i]) is { Success: true } alert)
                {
                    var expected = lines[i + 1];
                    if (expected == "exp_alerts: []")
                    {
                        quiet.Add(alert.Groups["name"].Value);
                    }
                    else if (expected == "exp_alerts:" && i + 2 < lines.Length && lines[i + 2].StartsWith("- exp_labels:", StringComparison.Ordinal))
                    {
                        firing.Add(alert.Groups["name"].Value);
                    }
                }
            }
        }

        return (firing, quiet);
    }

    private static Task<(int ExitCode, string Output)> PromtoolAsync(params string[] arguments) => Promtool.RunAsync(Folder, arguments);
}
