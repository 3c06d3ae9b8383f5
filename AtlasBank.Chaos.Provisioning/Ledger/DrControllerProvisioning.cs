using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using AtlasBank.Chaos.Contracts.Provisioning;
using Npgsql;
using static AtlasBank.Chaos.Provisioning.Postgres.PostgresRoles;

namespace AtlasBank.Chaos.Provisioning.Ledger;

/// <summary>
/// What the failover controller (<see cref="DatabaseRoleNames.DrController"/>) may do on a ledger server, and only
/// that: schema <c>dr</c>, owned by the superuser, holds SECURITY DEFINER functions for the steps that need more
/// than the controller holds (role membership, ending sessions, slots and subscriptions — PostgreSQL 15 lets only a
/// superuser create, alter or drop a subscription), and for every change to the ledger's rows it makes (a rebuild from
/// its staging copy, an empty account): it holds no INSERT, UPDATE, DELETE or TRUNCATE on them. Nobody but the
/// controller may run them, except <c>dr.standby_confirmed</c>, the ledger's question before it acknowledges a transfer.
/// </summary>
internal static class DrControllerProvisioning
{
    /// <summary>How long the fence waits for the ledger's ended sessions to be gone, and a slot drop for its walsender.</summary>
    private const string SessionExitWait = "1 second";

    private const string Refused = DrFunctions.RefusedSqlState;

    private static readonly string App = Literal(DatabaseRoleNames.LedgerApp);
    private static readonly string Writer = Literal(DatabaseRoleNames.LedgerWriter);
    private static readonly string Slot = Literal(LedgerReplication.SubscriptionName);
    private static readonly string IsWriter =
        $"EXISTS (SELECT 1 FROM pg_auth_members WHERE roleid = {Writer}::regrole AND member = {App}::regrole)";

    /// <summary>
    /// Creates schema <c>dr</c> and its functions in the caller's transaction (a migration's); <paramref name="subscribes"/>
    /// (region B) adds <c>dr.subscribe()</c>. The controller's table rights are granted with the ledger's own.
    /// </summary>
    public static async Task CreateAsync(NpgsqlConnection admin, NpgsqlTransaction transaction, bool subscribes, CancellationToken cancellationToken)
    {
        var controller = Identifier(DatabaseRoleNames.DrController);
        var (app, writer, subscription) = (Identifier(DatabaseRoleNames.LedgerApp), Identifier(DatabaseRoleNames.LedgerWriter),
            Identifier(LedgerReplication.SubscriptionName));
        var functions = $"""
            CREATE SCHEMA IF NOT EXISTS dr AUTHORIZATION CURRENT_USER;
            REVOKE ALL ON SCHEMA dr FROM PUBLIC;
            GRANT USAGE ON SCHEMA dr TO {controller};

            -- This region's role as the failover controller last set it, with the epoch of the routing that set it:
            -- what the manager rebuilds the routing from when Redis lost it. One row, changed only with the grant.
            CREATE TABLE IF NOT EXISTS dr.region_role (
                singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
                role text NOT NULL CHECK (role IN ('writer', 'fenced')),
                epoch bigint NOT NULL CHECK (epoch >= 0),
                changed_at timestamptz NOT NULL DEFAULT now());
            INSERT INTO dr.region_role (role, epoch)
                SELECT CASE WHEN {IsWriter} THEN 'writer' ELSE 'fenced' END, 0
                ON CONFLICT (singleton) DO NOTHING;

            -- Records the role at_epoch, in the caller's transaction; refuses an epoch older than the recorded one, so a
            -- fence or grant from a superseded failover (sent into a hung server, landing when it thaws) changes nothing.
            CREATE OR REPLACE FUNCTION dr.record_role(new_role text, at_epoch bigint) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                recorded bigint;
            BEGIN
                SELECT r.epoch INTO recorded FROM dr.region_role r FOR UPDATE;
                IF at_epoch < recorded THEN
                    RAISE EXCEPTION 'epoch % is older than epoch %, this region''s last change: a newer failover or failback superseded it',
                        at_epoch, recorded USING ERRCODE = '{Refused}';
                END IF;
                INSERT INTO dr.region_role (role, epoch, changed_at) VALUES (new_role, at_epoch, now())
                    ON CONFLICT (singleton) DO UPDATE SET role = excluded.role, epoch = excluded.epoch, changed_at = excluded.changed_at;
            END
            $fn$;

            DROP FUNCTION IF EXISTS {DrFunctions.FenceWrites}();
            DROP FUNCTION IF EXISTS {DrFunctions.GrantWrites}();

            -- Ends this server's ledger writes: no more membership of the writer role, and every session of the ledger
            -- in a transaction ended (it rolls back). The revocation is seen by other sessions only once this commits,
            -- so a caller runs it twice: the second call ends any session that slipped in meanwhile, and its WAL
            -- position covers every write the ledger ever committed here.
            CREATE OR REPLACE FUNCTION {DrFunctions.FenceWrites}(at_epoch bigint) RETURNS text
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                deadline timestamptz := clock_timestamp() + interval '{SessionExitWait}';
            BEGIN
                PERFORM dr.record_role('fenced', at_epoch);
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

            CREATE OR REPLACE FUNCTION {DrFunctions.GrantWrites}(at_epoch bigint) RETURNS void
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                PERFORM dr.record_role('writer', at_epoch);
                IF NOT {IsWriter} THEN
                    GRANT {writer} TO {app};
                END IF;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.Role}(OUT role text, OUT epoch bigint)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT r.role, r.epoch FROM dr.region_role r
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.WritesGranted}() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT {IsWriter}
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.Position}(OUT wal_lsn text, OUT transfers bigint)
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT pg_current_wal_lsn()::text, (SELECT count(*) FROM public.transfers)
            $fn$;

            -- Disabled, then detached from its slot (so the slot on the publisher is left alone and DROP may run in a
            -- transaction), then dropped. False when this server has none.
            CREATE OR REPLACE FUNCTION {DrFunctions.DetachSubscription}() RETURNS boolean
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
            CREATE OR REPLACE FUNCTION {DrFunctions.DropSlot}() RETURNS boolean
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
            CREATE OR REPLACE FUNCTION {DrFunctions.CreateSlot}() RETURNS text
            LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT lsn::text FROM pg_create_logical_replication_slot({Slot}, 'pgoutput')
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.SubscriptionPosition}() RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT latest_end_lsn::text FROM pg_stat_subscription WHERE subname = {Slot} AND relid IS NULL
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.SubscriptionStreaming}() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT EXISTS (SELECT 1 FROM pg_stat_subscription
                               WHERE subname = {Slot} AND relid IS NULL AND pid IS NOT NULL AND received_lsn IS NOT NULL)
            $fn$;

            CREATE OR REPLACE FUNCTION {DrFunctions.SynchronousStandbyNames}() RETURNS text
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT current_setting('synchronous_standby_names')
            $fn$;

            -- Whether this server replicates from a writer (has the subscription, enabled or paused): only such a
            -- region may be promoted; one without is a stale copy until a failback rebuilds it.
            CREATE OR REPLACE FUNCTION {DrFunctions.Subscribed}() RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT EXISTS (SELECT 1 FROM pg_subscription s JOIN pg_database d ON d.oid = s.subdbid
                               WHERE s.subname = {Slot} AND d.datname = current_database())
            $fn$;

            -- The ledger's question before it acknowledges a transfer: in synchronous mode, has DR's subscription
            -- flushed this position? (Asynchronous mode promises nothing more than the local commit.) A keyed replay
            -- finds a commit whose wait for DR may have been cancelled: it must not acknowledge it before DR has it.
            CREATE OR REPLACE FUNCTION {DrFunctions.StandbyConfirmed}(target pg_lsn) RETURNS boolean
            LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                SELECT current_setting('synchronous_standby_names') = ''
                    OR EXISTS (SELECT 1 FROM pg_stat_replication WHERE application_name = {Slot} AND flush_lsn >= target)
            $fn$;

            -- An account the other region holds and this one lacks, brought over before its transfers are reconciled
            -- through the ledger. Only into the writing region, and only empty: its balance comes from its transfers.
            CREATE OR REPLACE FUNCTION {DrFunctions.RestoreAccount}(account_id uuid, account_name text, account_currency text,
                                                          overdraft boolean, created timestamptz) RETURNS boolean
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            BEGIN
                IF NOT {IsWriter} THEN
                    RAISE EXCEPTION 'this region does not take writes: accounts are restored into the writer only'
                        USING ERRCODE = '{Refused}';
                END IF;
                INSERT INTO public.accounts (id, name, currency, allow_overdraft, balance, created_at)
                    VALUES (account_id, account_name, account_currency, overdraft, 0, created)
                    ON CONFLICT (id) DO NOTHING;
                RETURN FOUND;
            END
            $fn$;

            -- The rebuild: the controller has copied the writer's ledger into dr_staging (it may write there and nowhere
            -- else); this replaces the ledger with it, on a fenced region only, and only if the copy keeps every account
            -- and every transfer (by id or Idempotency-Key) this region holds and every balance is the sum of its
            -- entries. So the controller can neither erase a transfer nor make a balance out of nothing.
            CREATE OR REPLACE FUNCTION {DrFunctions.RebuildFromStaging}() RETURNS bigint
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
            DECLARE
                lost_accounts bigint;
                lost_transfers bigint;
                unbalanced bigint;
            BEGIN
                IF {IsWriter} THEN
                    RAISE EXCEPTION 'this region takes writes: fence it before it is rebuilt'
                        USING ERRCODE = '{Refused}';
                END IF;
                SELECT count(*) INTO lost_accounts FROM public.accounts a
                    WHERE NOT EXISTS (SELECT 1 FROM dr_staging.accounts s WHERE s.id = a.id);
                SELECT count(*) INTO lost_transfers FROM public.transfers t
                    WHERE NOT EXISTS (SELECT 1 FROM dr_staging.transfers s WHERE s.id = t.id)
                      AND (t.idempotency_key IS NULL
                           OR NOT EXISTS (SELECT 1 FROM dr_staging.transfers s WHERE s.idempotency_key = t.idempotency_key));
                IF lost_accounts > 0 OR lost_transfers > 0 THEN
                    RAISE EXCEPTION 'the copy lacks % account(s) and % transfer(s) this region holds: rebuilding would destroy them',
                        lost_accounts, lost_transfers USING ERRCODE = '{Refused}';
                END IF;
                SELECT count(*) INTO unbalanced FROM dr_staging.accounts a
                    WHERE a.balance <> coalesce((SELECT sum(e.amount) FROM dr_staging.entries e WHERE e.account_id = a.id), 0);
                SELECT unbalanced + count(*) INTO unbalanced FROM (
                    SELECT t.id FROM dr_staging.transfers t LEFT JOIN dr_staging.entries e ON e.transfer_id = t.id
                    GROUP BY t.id HAVING count(e.id) <> 2 OR coalesce(sum(e.amount), 1) <> 0) AS broken;
                IF unbalanced > 0 THEN
                    RAISE EXCEPTION 'the copy is not a balanced ledger (% account(s) or transfer(s) do not add up): refused', unbalanced
                        USING ERRCODE = '{Refused}';
                END IF;
                SET LOCAL synchronous_commit = local;
                TRUNCATE public.entries, public.transfers, public.accounts;
                INSERT INTO public.accounts SELECT * FROM dr_staging.accounts;
                INSERT INTO public.transfers SELECT * FROM dr_staging.transfers;
                INSERT INTO public.entries SELECT * FROM dr_staging.entries;
                TRUNCATE dr_staging.entries, dr_staging.transfers, dr_staging.accounts;
                RETURN (SELECT count(*) FROM public.transfers);
            END
            $fn$;
            """;

        if (subscribes)
        {
            // Over the slot the publisher already has (create_slot = false is what lets this run inside a function),
            // copying nothing: the subscriber holds the publisher's data as of the slot's creation.
            functions += $"""

                CREATE OR REPLACE FUNCTION {DrFunctions.Subscribe}() RETURNS void
                LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $fn$
                BEGIN
                    CREATE SUBSCRIPTION {subscription} CONNECTION {Literal(SubscriptionConnectionInfo.Value)}
                        PUBLICATION {Identifier(LedgerReplication.PublicationName)}
                        WITH (create_slot = false, slot_name = {Slot}, copy_data = false, {LedgerProvisioning.FlushedApply});
                END
                $fn$;
                """;
        }

        await ExecuteAsync(admin, Staging(controller), cancellationToken, transaction);
        await ExecuteAsync(admin, functions, cancellationToken, transaction);
        await ExecuteAsync(admin, $"""
            REVOKE ALL ON ALL FUNCTIONS IN SCHEMA dr FROM PUBLIC;
            GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA dr TO {controller};
            REVOKE EXECUTE ON FUNCTION {DrFunctions.StandbyConfirmed}(pg_lsn) FROM {controller};
            REVOKE EXECUTE ON FUNCTION dr.record_role(text, bigint) FROM {controller};
            GRANT USAGE ON SCHEMA dr TO {app};
            GRANT EXECUTE ON FUNCTION {DrFunctions.StandbyConfirmed}(pg_lsn) TO {app};
            """, cancellationToken, transaction);
    }

    /// <summary>
    /// Schema <c>dr_staging</c>: the only tables the controller writes, a copy of the ledger's three (unlogged: a
    /// scratch copy, never replicated) that <c>dr.rebuild_from_staging()</c> checks and moves into the ledger.
    /// </summary>
    private static string Staging(string controller)
    {
        var statements = new List<string>
        {
            "CREATE SCHEMA IF NOT EXISTS dr_staging AUTHORIZATION CURRENT_USER",
            "REVOKE ALL ON SCHEMA dr_staging FROM PUBLIC",
            $"GRANT USAGE ON SCHEMA dr_staging TO {controller}",
        };
        foreach (var table in LedgerSchema.ReplicatedTables)
        {
            statements.Add($"CREATE UNLOGGED TABLE IF NOT EXISTS dr_staging.{table} (LIKE public.{table})");
            statements.Add($"GRANT SELECT, INSERT, TRUNCATE ON dr_staging.{table} TO {controller}");
        }

        statements.Add("CREATE INDEX IF NOT EXISTS staging_accounts_id_idx ON dr_staging.accounts (id)");
        statements.Add("CREATE INDEX IF NOT EXISTS staging_transfers_id_idx ON dr_staging.transfers (id)");
        statements.Add("CREATE INDEX IF NOT EXISTS staging_transfers_key_idx ON dr_staging.transfers (idempotency_key)");
        statements.Add("CREATE INDEX IF NOT EXISTS staging_entries_account_idx ON dr_staging.entries (account_id)");
        statements.Add("CREATE INDEX IF NOT EXISTS staging_entries_transfer_idx ON dr_staging.entries (transfer_id)");
        return string.Join(";\n", statements) + ";";
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
