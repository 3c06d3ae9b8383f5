using System.Globalization;

namespace AtlasBank.Chaos.Manager.Drills.Reports;

/// <summary>How the report writes times and numbers: UTC, ISO-like, culture-invariant, whatever the server's locale.</summary>
internal static class ReportFormat
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", Invariant);

    public static string Utc(DateTimeOffset? at) => at is { } value ? Utc(value) : "—";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm:ss", Invariant);

    public static string Number(double value, string format = "0.##") => value.ToString(format, Invariant);

    public static string Number(long value) => value.ToString("#,0", Invariant);

    public static string Milliseconds(double? value) => value is { } ms ? $"{Number(ms, "0.#")} ms" : "—";

    public static string Percent(double? ratio) => ratio is { } value ? $"{Number(value * 100, "0.##")} %" : "—";

    /// <summary>A span a person reads: <c>850 ms</c>, <c>42.3 s</c>, <c>3 min 05 s</c>, <c>1 h 02 min</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "—";
        }

        return span.TotalSeconds switch
        {
            < 1 => $"{Number(span.TotalMilliseconds, "0")} ms",
            < 60 => $"{Number(span.TotalSeconds, "0.#")} s",
            < 3600 => string.Create(Invariant, $"{(int)span.TotalMinutes} min {span.Seconds:00} s"),
            _ => string.Create(Invariant, $"{(int)span.TotalHours} h {span.Minutes:00} min"),
        };
    }

    /// <summary>Seconds since the run's start, as the timeline's x axis counts them: <c>+12.5 s</c>.</summary>
    public static string Offset(DateTimeOffset at, DateTimeOffset origin) => $"+{Number((at - origin).TotalSeconds, "0.#")} s";

    /// <summary>A coordinate in the SVG: two decimals at most, always a dot.</summary>
    public static string Px(double value) => value.ToString("0.##", Invariant);
}
