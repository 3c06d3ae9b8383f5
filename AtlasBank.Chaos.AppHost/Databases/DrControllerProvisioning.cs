using AtlasBank.Chaos.Contracts.Ledger;
using Npgsql;
using static AtlasBank.Chaos.AppHost.Databases.PostgresRoles;

namespace AtlasBank.Chaos.AppHost.Databases;

/// <summary>
/// What the failover controller (<see cref="DatabaseRoleNames.DrController"/>) may do on a ledger server, and only
/// that: schema <c>dr</c>, owned by the superuser, holds SECURITY DEFINER functions for the steps that need more
/// than the controller holds (role membership, ending sessions, slots and subscriptions — PostgreSQL 15 lets only a
/// superuser create, alter or drop a subscription). Nobody but the controller may run them.
/// </summary>
internal static class DrControllerProvisioning
{
    /// <summary>AppHost configuration: the primary commits only once DR has the transaction.</summary>
    public const string SynchronousReplicationSetting = "Dr:SynchronousReplication";

    /// <summary>How long the fence waits for the ledger's ended sessions to be gone, and a slot drop for its walsender.</summary>
    private const string SessionExitWait = "1 second";

    private static readonly string App = Literal(DatabaseRoleNames.LedgerApp);
    private static readonly string Writer = Literal(DatabaseRoleNames.LedgerWriter);
    private static readonly string Slot = Literal(LedgerReplication.SubscriptionName);
    private static readonly string IsWriter =
        $"EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = {Writer}::regrole AND member = {App}::regrole)";

    /// <summary>
    /// (Re)creates schema <c>dr</c> and its functions; <paramref name="subscriptionConnectionInfo"/> (DR only) is
    /// baked into <c>dr.subscribe()</c>. The controller's table rights are granted with the ledger's own.
    /// </summary>
    public static async Task ProvisionAsync(NpgsqlConnection admin, string? subscriptionConnectionInfo, CancellationToken cancellationToken)
    {
        var controller = Identifier(DatabaseRoleNames.DrController);
        var (app, writer, subscription) = (Identifier(DatabaseRoleNames.LedgerApp), Identifier(DatabaseRoleNames.LedgerWriter),
            Identifier(LedgerReplication.SubscriptionName));
        var functions = $"""
            CREATE SCHEMA IF NOT EXISTS dr AUTHORIZATION CURRENT_USER;
            REVOKE ALL ON SCHEMA dr FROM PUBLIC;
            GRANT USAGE ON SCHEMA dr TO {controller};

            -- Ends this server's ledger writes: no more membership of the writer role, and every session of the ledger
            -- in a transaction ended (it rolls back). The revocation is seen by other sessions only once this commits,
            -- so a caller runs it twice: the second call ends any session that slipped in meanwhile, and its WAL
            -- position covers every write the ledger ever committed here.
            CREATE OR REPLACE FUNCTION dr.fence_writes() RETURNS text
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                deadline timestamptz := clock_timestamp() + interval '{SessionExitWait}';
            BEGIN
                IF {IsWriter} THEN
                    REVOKE {writer} FROM {app};
                END IF;
                -- Only sessions inside a transaction can write past the revoke; an idle pooled session meets it at its next
                -- statement, and ending it would only fail the ledger's next read.
                PERFORM pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE usename = {App} AND datname = current_database() AND state IS DISTINCT FROM 'idle';
                LOOP
                    PERFORM pg_stat_clear_snapshot();
                    EXIT WHEN NOT EXISTS (SELECT 1 FROM pg_stat_activity
                            WHERE usename = {App} AND datname = current_database() AND state IS DISTINCT FROM 'idle')
                        OR clock_timestamp() > deadline;
                    PERFORM pg_sleep(0.01);
                END LOOP;
                RETURN pg_current_wal_lsn()::text;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION dr.grant_writes() RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                IF NOT {IsWriter} THEN
                    GRANT {writer} TO {app};
                END IF;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION dr.writes_granted() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT {IsWriter}
            $fn$;

            CREATE OR REPLACE FUNCTION dr.position(OUT wal_lsn text, OUT transfers bigint)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT pg_current_wal_lsn()::text, (SELECT count(*) FROM public.transfers)
            $fn$;

            -- Disabled, then detached from its slot (so the slot on the publisher is left alone and DROP may run in a
            -- transaction), then dropped. False when this server has none.
            CREATE OR REPLACE FUNCTION dr.detach_subscription() RETURNS boolean
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid
                               WHERE s.subname = {Slot} AND d.datname = current_database()) THEN
                    RETURN false;
                END IF;
                ALTER SUBSCRIPTION {subscription} DISABLE;
                ALTER SUBSCRIPTION {subscription} SET (slot_name = NONE);
                DROP SUBSCRIPTION {subscription};
                RETURN true;
            END
            $fn$;

            -- Only a slot nobody streams from: an active one belongs to a live subscriber. A subscriber just detached
            -- leaves its walsender for a moment: the slot is waited for (a while) before it counts as in use.
            CREATE OR REPLACE FUNCTION dr.drop_slot() RETURNS boolean
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                deadline timestamptz := clock_timestamp() + interval '{SessionExitWait}';
            BEGIN
                WHILE EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = {Slot} AND active) AND clock_timestamp() < deadline LOOP
                    PERFORM pg_sleep(0.01);
                END LOOP;
                IF NOT EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = {Slot} AND NOT active) THEN
                    RETURN false;
                END IF;
                PERFORM pg_drop_replication_slot({Slot});
                RETURN true;
            EXCEPTION
                WHEN object_in_use OR undefined_object THEN
                    RETURN false;
            END
            $fn$;

            -- Fails when the slot exists: an old slot would stream what this server did before (or a rebuild's
            -- TRUNCATE and COPY) to the subscriber; drop it first.
            CREATE OR REPLACE FUNCTION dr.create_slot() RETURNS text
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT lsn::text FROM pg_create_logical_replication_slot({Slot}, 'pgoutput')
            $fn$;

            CREATE OR REPLACE FUNCTION dr.subscription_position() RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT latest_end_lsn::text FROM pg_stat_subscription WHERE subname = {Slot} AND relid IS NULL
            $fn$;

            CREATE OR REPLACE FUNCTION dr.subscription_streaming() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT EXISTS (SELECT 1 FROM pg_stat_subscription
                               WHERE subname = {Slot} AND relid IS NULL AND pid IS NOT NULL AND received_lsn IS NOT NULL)
            $fn$;

            CREATE OR REPLACE FUNCTION dr.synchronous_standby_names() RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT current_setting('synchronous_standby_names')
            $fn$;
            """;

        if (subscriptionConnectionInfo is not null)
        {
            // Over the slot the publisher already has (create_slot = false is what lets this run inside a function),
            // copying nothing: the subscriber holds the publisher's data as of the slot's creation.
            functions += $"""

                CREATE OR REPLACE FUNCTION dr.subscribe() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                BEGIN
                    CREATE SUBSCRIPTION {subscription} CONNECTION {Literal(subscriptionConnectionInfo)}
                        PUBLICATION {Identifier(LedgerReplication.PublicationName)}
                        WITH (create_slot = false, slot_name = {Slot}, copy_data = false, {LedgerProvisioning.FlushedApply});
                END
                $fn$;
                """;
        }

        await using var transaction = await admin.BeginTransactionAsync(cancellationToken);
        await ExecuteAsync(admin, functions, cancellationToken, transaction);
        await ExecuteAsync(admin, $"""
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA dr FROM PUBLIC;
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA dr TO {controller};
            """, cancellationToken, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// On the primary: the controller may switch synchronous mode itself (PostgreSQL 15's parameter privilege, not a
    /// function: ALTER SYSTEM cannot run in one). A failover must turn it off on A — with B gone as A's standby, every
    /// commit on A (autovacuum's too) waits holding its locks, and a rebuild or a new slot would wait behind them — and
    /// a failback turns it back on once B streams again.
    /// </summary>
    public static async Task AllowSynchronousModeSwitchAsync(NpgsqlConnection admin, CancellationToken cancellationToken)
    {
        var controller = Identifier(DatabaseRoleNames.DrController);
        await ExecuteAsync(admin, $"""
            GRANT ALTER SYSTEM ON PARAMETER synchronous_standby_names TO {controller};
            GRANT EXECUTE ON FUNCTION pg_reload_conf() TO {controller};
            """, cancellationToken);
    }

    /// <summary>
    /// On the primary: whether a commit waits for DR's subscription (a logical subscriber is a synchronous standby
    /// under its <c>application_name</c>, the subscription's name).
    /// </summary>
    public static async Task SetSynchronousReplicationAsync(NpgsqlConnection admin, bool synchronous, CancellationToken cancellationToken)
    {
        await ExecuteAsync(admin, synchronous
            ? $"ALTER SYSTEM SET synchronous_standby_names = {Literal(Identifier(LedgerReplication.SubscriptionName))}"
            : "ALTER SYSTEM RESET synchronous_standby_names", cancellationToken);
        await ExecuteAsync(admin, "SELECT pg_reload_conf()", cancellationToken);
    }
}
