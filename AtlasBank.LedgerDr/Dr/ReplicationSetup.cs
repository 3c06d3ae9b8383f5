using System.Text;
using AtlasBank.Chaos.Contracts.Ledger;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Creates, idempotently, the ledger schema and the logical replication between primary and DR: a publication
/// of the ledger tables on the primary, a subscription to it on the DR database.
/// </summary>
public sealed partial class ReplicationSetup(
    NpgsqlDataSource dataSource,
    IOptions<LedgerOptions> ledgerOptions,
    IOptions<ReplicationOptions> replicationOptions,
    IServiceProvider services,
    IConfiguration configuration,
    ILogger<ReplicationSetup> logger)
{
    private const string DuplicateObject = "42710";
    private const long SchemaLockKey = 0x4C45444745520001; // "LEDGER" + 1: serialises concurrent starts.

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        await CreateSchemaAsync(cancellationToken);
        if (ledgerOptions.Value.IsDr)
        {
            await EnsureSubscriptionAsync(cancellationToken);
        }
        else
        {
            await EnsurePublicationAsync(cancellationToken);
        }
    }

    private async Task CreateSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var schemaLock = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({SchemaLockKey})", connection, transaction))
        {
            await schemaLock.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var create = new NpgsqlCommand(LedgerSchema.Create, connection, transaction))
        {
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async Task EnsurePublicationAsync(CancellationToken cancellationToken)
    {
        var publication = replicationOptions.Value.PublicationName;
        await using var exists = dataSource.CreateCommand("SELECT 1 FROM pg_publication WHERE pubname = $1");
        exists.Parameters.Add(new() { Value = publication });
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            // Names are validated identifiers (ReplicationOptions), so they can be spliced into DDL.
            await using var create = dataSource.CreateCommand(
                $"CREATE PUBLICATION {publication} FOR TABLE {string.Join(", ", LedgerSchema.ReplicatedTables)}");
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogPublicationCreated(publication);
        }
        catch (PostgresException ex) when (ex.SqlState == DuplicateObject)
        {
            // Another replica created it first.
        }
    }

    private async Task EnsureSubscriptionAsync(CancellationToken cancellationToken)
    {
        var options = replicationOptions.Value;
        await using var exists = dataSource.CreateCommand("SELECT 1 FROM pg_subscription WHERE subname = $1");
        exists.Parameters.Add(new() { Value = options.SubscriptionName });
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        var publisher = services.GetRequiredKeyedService<NpgsqlDataSource>(ReplicationOptions.PublisherConnectionName);
        await DropAbandonedSlotAsync(publisher, options.SubscriptionName, cancellationToken);

        // The data source hides the password of its connection string; the subscription needs it.
        var connectionInfo = PublisherConnectionInfo(configuration.GetConnectionString(ReplicationOptions.PublisherConnectionName)!, options);
        try
        {
            // CREATE SUBSCRIPTION takes no parameters and cannot run inside a transaction block.
            await using var create = dataSource.CreateCommand(
                $"CREATE SUBSCRIPTION {options.SubscriptionName} CONNECTION {SqlLiteral(connectionInfo)} PUBLICATION {options.PublicationName}");
            await create.ExecuteNonQueryAsync(cancellationToken);
            LogSubscriptionCreated(options.SubscriptionName, options.PublicationName);
        }
        catch (PostgresException ex) when (ex.SqlState == DuplicateObject)
        {
            // Another replica created it first.
        }
    }

    /// <summary>
    /// A DR database rebuilt from scratch leaves its old slot on the primary; a new subscription of the same name
    /// cannot be created while it exists. Only an inactive slot is dropped: an active one belongs to a live DR.
    /// </summary>
    private async Task DropAbandonedSlotAsync(NpgsqlDataSource publisher, string slotName, CancellationToken cancellationToken)
    {
        await using var drop = publisher.CreateCommand(
            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active");
        drop.Parameters.Add(new() { Value = slotName });
        if (await drop.ExecuteScalarAsync(cancellationToken) is not null)
        {
            LogAbandonedSlotDropped(slotName);
        }
    }

    /// <summary>The libpq connection string the DR server uses to reach the primary.</summary>
    internal static string PublisherConnectionInfo(string npgsqlConnectionString, ReplicationOptions options)
    {
        var source = new NpgsqlConnectionStringBuilder(npgsqlConnectionString);
        var parts = new List<(string Key, string? Value)>
        {
            ("host", options.PublisherHost ?? source.Host),
            ("port", (options.PublisherPort ?? source.Port).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("dbname", source.Database),
            ("user", source.Username),
            ("password", source.Password),
            ("application_name", options.SubscriptionName),
        };

        var builder = new StringBuilder();
        foreach (var (key, value) in parts.Where(part => !string.IsNullOrEmpty(part.Value)))
        {
            builder.Append(builder.Length == 0 ? string.Empty : " ")
                .Append(key).Append("='")
                .Append(value!.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal))
                .Append('\'');
        }

        return builder.ToString();
    }

    private static string SqlLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    [LoggerMessage(Level = LogLevel.Information, Message = "Created publication {Publication} of the ledger tables.")]
    private partial void LogPublicationCreated(string publication);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created subscription {Subscription} to publication {Publication} on the primary.")]
    private partial void LogSubscriptionCreated(string subscription, string publication);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped abandoned replication slot {Slot} on the primary before subscribing again.")]
    private partial void LogAbandonedSlotDropped(string slot);
}
