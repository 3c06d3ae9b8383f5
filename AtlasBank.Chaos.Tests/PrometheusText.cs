using System.Globalization;
using System.Text.RegularExpressions;

namespace AtlasBank.Chaos.Tests;

/// <summary>Reads series out of a <c>/metrics</c> page (the Prometheus text format), labels in any order.</summary>
public static partial class PrometheusText
{
    [GeneratedRegex("""^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>.*)\})?\s+(?<value>\S+)(\s+\d+)?$""")]
    private static partial Regex Sample();

    [GeneratedRegex("""(?<label>[a-zA-Z_][a-zA-Z0-9_]*)="(?<value>(?:[^"\\]|\\.)*)"\s*,?""")]
    private static partial Regex Label();

    /// <summary>
    /// The value of the one series named <paramref name="name"/> that has every label of <paramref name="labels"/>
    /// ("service=ledger"), or null when there is none; more than one fails the test.
    /// </summary>
    public static double? Value(string page, string name, params string[] labels)
    {
        var matches = Series(page, name, labels).ToList();
        Assert.True(matches.Count <= 1, $"{matches.Count} series {name}{{{string.Join(",", labels)}}} on the page; say which.");
        return matches.Count == 0 ? null : matches[0].Value;
    }

    /// <summary>Every series named <paramref name="name"/> with every label of <paramref name="labels"/>.</summary>
    public static IEnumerable<(IReadOnlyDictionary<string, string> Labels, double Value)> Series(string page, string name, params string[] labels)
    {
        var wanted = labels.Select(label => label.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        foreach (var line in page.Split('\n'))
        {
            if (line.StartsWith('#') || Sample().Match(line.TrimEnd('\r')) is not { Success: true } sample || sample.Groups["name"].Value != name)
            {
                continue;
            }

            var found = Label().Matches(sample.Groups["labels"].Value)
                .ToDictionary(label => label.Groups["label"].Value, label => label.Groups["value"].Value, StringComparer.Ordinal);
            if (wanted.All(pair => found.TryGetValue(pair.Key, out var value) && value == pair.Value))
            {
                yield return (found, ParseValue(sample.Groups["value"].Value));
            }
        }
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
