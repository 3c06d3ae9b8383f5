using System.Data.Common;
using System.Globalization;

namespace AtlasBank.Chaos.Contracts.Provisioning;

/// <summary>
/// Where each database records the provisioning versions applied to it, and the version each service needs: a service
/// is not ready before its database holds it (deployed, nothing orders the provisioning before the services).
/// </summary>
public static class ProvisionedSchema
{
    /// <summary>One row per version applied; every login of the database may read it.</summary>
    public const string AppliedTable = "provisioning.applied";

    /// <summary>The version a database holds: 0 when nothing was applied yet.</summary>
    public const string VersionQuery = $"SELECT coalesce(max(version), 0) FROM {AppliedTable}";

    /// <summary>The ledger database's version (both regions): the ledger tables, <c>dr.*</c>, the staging copy.</summary>
    public const int LedgerVersion = 1;

    /// <summary><c>chaosdb</c>'s version: the audit trail, the drill runs, the DR journal.</summary>
    public const int ChaosVersion = 1;

    /// <summary>Why a service is not ready yet, naming what it found and what it needs.</summary>
    public static string NotReady(string database, long found, int needed) =>
        $"{database} holds provisioning version {found}, this service needs {needed}: the provisioning has not run (or not finished) there.";

    /// <summary>Throws <see cref="SchemaNotProvisionedException"/> until <paramref name="database"/> holds <paramref name="needed"/>.</summary>
    public static async Task RequireAsync(DbDataSource dataSource, string database, int needed, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(VersionQuery);
        var found = Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        if (found < needed)
        {
            throw new SchemaNotProvisionedException(NotReady(database, found, needed));
        }
    }
}

/// <summary>A database older than the service that reads it: the service waits, unready, for the provisioning.</summary>
public sealed class SchemaNotProvisionedException(string message) : InvalidOperationException(message);
