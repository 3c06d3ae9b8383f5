namespace AtlasBank.Chaos.Agent.Shadow;

/// <summary>Log Sequence Numbers as PostgreSQL prints them (<c>16/B374D848</c>).</summary>
public static class Lsn
{
    public static ulong? Parse(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash > 0
            && uint.TryParse(text.AsSpan(0, slash), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var high)
            && uint.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var low)
            ? ((ulong)high << 32) | low
            : null;
    }
}
