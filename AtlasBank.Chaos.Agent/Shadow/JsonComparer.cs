using System.Globalization;
using System.Text.Json;

namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>
/// Compares two answers as a person would: by status, and JSON bodies field by field, leaving out volatile
/// fields named by ignore rules. Bodies that are not JSON are compared as text.
/// </summary>
public sealed class JsonComparer(IEnumerable<string> ignorePaths)
{
    private readonly IgnoreRule[] _ignore = [.. ignorePaths.Select(IgnoreRule.Parse)];

    public IReadOnlyList<Difference> Compare(int primaryStatus, string primaryBody, int drStatus, string drBody)
    {
        var differences = new List<Difference>();
        if (primaryStatus != drStatus)
        {
            differences.Add(new Difference("status", primaryStatus.ToString(CultureInfo.InvariantCulture), drStatus.ToString(CultureInfo.InvariantCulture)));
        }

        if (TryParse(primaryBody, out var primary) && TryParse(drBody, out var dr))
        {
            using (primary)
            using (dr)
            {
                Walk("$", [], primary!.RootElement, dr!.RootElement, differences);
            }
        }
        else if (!string.Equals(primaryBody, drBody, StringComparison.Ordinal))
        {
            differences.Add(new Difference("$", Shorten(primaryBody), Shorten(drBody)));
        }

        return differences;
    }

    private void Walk(string path, List<string> segments, JsonElement primary, JsonElement dr, List<Difference> differences)
    {
        if (_ignore.Any(rule => rule.Matches(segments)))
        {
            return;
        }

        if (primary.ValueKind == JsonValueKind.Object && dr.ValueKind == JsonValueKind.Object)
        {
            var names = primary.EnumerateObject().Select(p => p.Name).Union(dr.EnumerateObject().Select(p => p.Name), StringComparer.Ordinal);
            foreach (var name in names)
            {
                segments.Add(name);
                var hasPrimary = primary.TryGetProperty(name, out var p);
                var hasDr = dr.TryGetProperty(name, out var d);
                if (hasPrimary && hasDr)
                {
                    Walk($"{path}.{name}", segments, p, d, differences);
                }
                else if (!_ignore.Any(rule => rule.Matches(segments)))
                {
                    differences.Add(new Difference($"{path}.{name}", hasPrimary ? Shorten(p.GetRawText()) : null, hasDr ? Shorten(d.GetRawText()) : null));
                }

                segments.RemoveAt(segments.Count - 1);
            }
        }
        else if (primary.ValueKind == JsonValueKind.Array && dr.ValueKind == JsonValueKind.Array)
        {
            var length = Math.Max(primary.GetArrayLength(), dr.GetArrayLength());
            for (var i = 0; i < length; i++)
            {
                segments.Add($"[{i}]");
                var p = i < primary.GetArrayLength() ? primary[i] : default;
                var d = i < dr.GetArrayLength() ? dr[i] : default;
                if (p.ValueKind == JsonValueKind.Undefined || d.ValueKind == JsonValueKind.Undefined)
                {
                    differences.Add(new Difference($"{path}[{i}]", Raw(p), Raw(d)));
                }
                else
                {
                    Walk($"{path}[{i}]", segments, p, d, differences);
                }

                segments.RemoveAt(segments.Count - 1);
            }
        }
        else if (!SameValue(primary, dr))
        {
            differences.Add(new Difference(path, Raw(primary), Raw(dr)));
        }
    }

    private static bool SameValue(JsonElement primary, JsonElement dr) =>
        primary.ValueKind == dr.ValueKind && (primary.ValueKind == JsonValueKind.Number
            ? primary.TryGetDecimal(out var a) && dr.TryGetDecimal(out var b) ? a == b : primary.GetRawText() == dr.GetRawText()
            : primary.GetRawText() == dr.GetRawText());

    private static string? Raw(JsonElement element) => element.ValueKind == JsonValueKind.Undefined ? null : Shorten(element.GetRawText());

    private static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "…";

    private static bool TryParse(string body, out JsonDocument? document)
    {
        document = null;
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }

        try
        {
            document = JsonDocument.Parse(body);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>An ignore path such as <c>**.traceId</c> or <c>$.entries[*].createdAt</c>, matched by segment.</summary>
    private sealed record IgnoreRule(string[] Segments)
    {
        public static IgnoreRule Parse(string pattern)
        {
            var trimmed = pattern.Trim();
            trimmed = trimmed.StartsWith("$.", StringComparison.Ordinal) ? trimmed[2..] : trimmed.TrimStart('$');
            var segments = new List<string>();
            foreach (var part in trimmed.Split('.', StringSplitOptions.RemoveEmptyEntries))
            {
                var bracket = part.IndexOf('[', StringComparison.Ordinal);
                if (bracket > 0)
                {
                    segments.Add(part[..bracket]);
                    segments.AddRange(part[bracket..].Split(']', StringSplitOptions.RemoveEmptyEntries).Select(index => index + "]"));
                }
                else
                {
                    segments.Add(part);
                }
            }

            return new IgnoreRule([.. segments]);
        }

        public bool Matches(IReadOnlyList<string> path) => Match(0, path, 0);

        private bool Match(int ruleIndex, IReadOnlyList<string> path, int pathIndex)
        {
            if (ruleIndex == Segments.Length)
            {
                return pathIndex == path.Count;
            }

            var segment = Segments[ruleIndex];
            if (segment == "**")
            {
                for (var skip = pathIndex; skip <= path.Count; skip++)
                {
                    if (Match(ruleIndex + 1, path, skip))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (pathIndex == path.Count)
            {
                return false;
            }

            var actual = path[pathIndex];
            var matches = segment switch
            {
                "*" => !actual.StartsWith('['),
                "[*]" => actual.StartsWith('['),
                _ => string.Equals(segment, actual, StringComparison.OrdinalIgnoreCase),
            };
            return matches && Match(ruleIndex + 1, path, pathIndex + 1);
        }
    }
}
