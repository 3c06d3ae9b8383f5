using System.Globalization;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Audit;

namespace AtlasBank.Chaos.Tests.Audit;

/// <summary>An <c>AUDIT_ANCHOR</c> line of the manager's log, as an SRE would grep it.</summary>
internal sealed partial record AuditAnchorLine(AuditAnchor Anchor, string Source)
{
    public static AuditAnchorLine? Parse(string line)
    {
        var match = Pattern().Match(line);
        return match.Success
            ? new AuditAnchorLine(
                new AuditAnchor(long.Parse(match.Groups["id"].Value, CultureInfo.InvariantCulture), match.Groups["mac"].Value,
                    long.Parse(match.Groups["at"].Value, CultureInfo.InvariantCulture), match.Groups["anchor"].Value),
                match.Groups["source"].Value)
            : null;
    }

    [GeneratedRegex(@"AUDIT_ANCHOR id=(?<id>\d+) mac=(?<mac>[0-9a-f]{64}) at=(?<at>\d+) anchor_mac=(?<anchor>[0-9a-f]{64}) source=(?<source>\w+)")]
    private static partial Regex Pattern();
}
