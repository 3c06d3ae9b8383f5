using System.ComponentModel.DataAnnotations;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// How the manager waits on its audit database (<c>ChaosManager:Audit</c>). Every wait is short: a hung
/// PostgreSQL must behave like a stopped one, and stopping chaos never waits on it at all.
/// </summary>
public sealed class AuditOptions
{
    public const string SectionName = "ChaosManager:Audit";

    /// <summary>Opening a connection (a frozen server accepts TCP and then says nothing).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:30")]
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>One statement; Npgsql then cancels it and gives up after <see cref="CancellationTimeout"/>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan CancellationTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Bound on the check that starting chaos makes before it changes anything: beyond it the start is refused
    /// with 503 (fail closed). Keeps the answer well inside 5 s whatever the database does.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:00:10")]
    public TimeSpan StartCheckTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often the spool is drained when nothing signals it (another replica's entries, a database that came back).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan SpoolDrainInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The HMAC-SHA256 key of the chain and its anchors, as hex (at least <see cref="AuditKey.MinimumBytes"/> bytes):
    /// held outside the database, so database rights alone cannot rewrite a row and make it verify. Required.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>Longest time between two anchors of the chain head, appends or not (one replica anchors on the interval).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan AnchorInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How many anchors Redis keeps (the newest by row id); the log keeps every one.</summary>
    [Range(10, 1_000_000)]
    public int AnchorHistory { get; set; } = 10_000;
}
