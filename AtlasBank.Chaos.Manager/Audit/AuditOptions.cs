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
}
