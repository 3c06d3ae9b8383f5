using System.Globalization;
using AtlasBank.Chaos.Contracts.Provisioning;
using AtlasBank.Chaos.Provisioning.Postgres;
using Npgsql;

namespace AtlasBank.Chaos.Provisioning.Ledger;

/// <summary>
/// The libpq service file region B's server connects to region A with (its <c>PGSERVICEFILE</c>, in its data directory,
/// which only the server's OS user may enter). Written through the superuser's connection, by the server itself, so it
/// works the same for a local process, a container and a deployed container: the provisioning needs no access to the
/// server's disk. Rewritten on every run, so a changed address or password takes effect at the next connection.
/// </summary>
public static class ReplicationServiceFile
{
    /// <summary>The file's lines; a value runs to the end of its line, so none may hold a line break.</summary>
    public static IReadOnlyList<string> Lines(string host, int port, string database, string user, string password)
    {
        (string Key, string Value)[] settings =
        [
            ("host", host), ("port", port.ToString(CultureInfo.InvariantCulture)), ("dbname", database), ("user", user), ("password", password),
        ];
        foreach (var (key, value) in settings)
        {
            if (value.Length == 0 || value.AsSpan().IndexOfAny('\r', '\n') >= 0 || value != value.Trim())
            {
                throw new ArgumentException($"The replication {key} must be non-empty, on one line, without surrounding spaces.", key);
            }
        }

        return [$"[{SubscriptionConnectionInfo.ServiceName}]", .. settings.Select(setting => $"{setting.Key}={setting.Value}")];
    }

    /// <summary>
    /// Writes the lines to <c>{data_directory}/<see cref="ProvisioningSettings.ReplicationServiceFile"/></c>. The password
    /// travels as a bound parameter into a temporary table (never WAL-logged, never in a statement's text) and leaves
    /// it by COPY, whose CSV form with control characters as quote and delimiter writes each line as it is.
    /// </summary>
    public static async Task WriteAsync(NpgsqlConnection admin, IReadOnlyList<string> lines, CancellationToken cancellationToken)
    {
        await using var transaction = await admin.BeginTransactionAsync(cancellationToken);
        await PostgresRoles.ExecuteAsync(admin, "CREATE TEMPORARY TABLE replication_service_file (n int, line text) ON COMMIT DROP", cancellationToken, transaction);
        await using (var insert = new NpgsqlCommand("INSERT INTO replication_service_file SELECT n, line FROM unnest($1::text[]) WITH ORDINALITY AS l(line, n)", admin, transaction))
        {
            insert.Parameters.Add(new() { Value = lines.ToArray() });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        string path;
        await using (var directory = new NpgsqlCommand("SELECT current_setting('data_directory')", admin, transaction))
        {
            path = $"{(string)(await directory.ExecuteScalarAsync(cancellationToken))!}/{ProvisioningSettings.ReplicationServiceFile}";
        }

        await PostgresRoles.ExecuteAsync(admin,
            $"COPY (SELECT line FROM replication_service_file ORDER BY n) TO {PostgresRoles.Literal(path)} WITH (FORMAT csv, DELIMITER E'\\x01', QUOTE E'\\x02')",
            cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The lines for region B's subscription to region A's ledger, as the replication login.</summary>
    public static IReadOnlyList<string> ForLedger(ProvisioningOptions options) => Lines(
        options.Publisher.Host!, options.Publisher.Port, ProvisioningSettings.LedgerDatabase, DatabaseRoleNames.LedgerReplicator,
        options.Password(ProvisioningSettings.Logins.LedgerReplicator));
}
