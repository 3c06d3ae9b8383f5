using System.ComponentModel.DataAnnotations;
using AtlasBank.Chaos.Contracts.Dr;
using Npgsql;

namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// How the failover controller reaches the regions' ledger databases (<c>Dr:Databases</c>); validated on start.
/// Every wait is short: during a failover a region's database is what may be down or hung.
/// </summary>
public sealed class DrDatabaseOptions
{
    public const string SectionName = "Dr:Databases";

    /// <summary>Region A's database as the DR controller (<c>ledger_dr_controller</c>).</summary>
    public const string RegionAConnectionName = "ledger-controller";

    /// <summary>Region B's database as the DR controller.</summary>
    public const string RegionBConnectionName = "ledger-dr-controller";

    public static readonly IReadOnlyDictionary<string, string> ConnectionNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [DrRegions.A] = RegionAConnectionName,
        [DrRegions.B] = RegionBConnectionName,
    };

    /// <summary>
    /// The bound of each call (connecting included); past it the region's database counts as unavailable. Npgsql's
    /// connect and command timeouts are set to it too (rounded up to whole seconds).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.500", "00:01:00")]
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The bound of a whole rebuild (<see cref="LedgerRegionDatabase.ReinitialiseFromAsync"/>).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan RebuildTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The controller's connection settings: the timeouts, and commits that never wait for a synchronous standby —
    /// in synchronous mode the standby is exactly what a failover has lost.
    /// </summary>
    public void Configure(NpgsqlConnectionStringBuilder connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var seconds = Math.Max(1, (int)Math.Ceiling(CommandTimeout.TotalSeconds));
        connection.Timeout = seconds;
        connection.CommandTimeout = seconds;
        // A cancelled call on a hung server: do not wait for the cancel request's answer, break the connection.
        connection.CancellationTimeout = -1;
        connection.Options = "-c synchronous_commit=local";
    }
}
