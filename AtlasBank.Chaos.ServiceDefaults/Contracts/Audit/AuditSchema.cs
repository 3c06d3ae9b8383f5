namespace AtlasBank.Chaos.Contracts.Audit;

/// <summary>
/// The audit table <c>chaos_audit</c> in <c>chaosdb</c>: created by the provisioning, owned by a role the manager is
/// not, so the manager can only append and read; a trigger refuses UPDATE, DELETE and TRUNCATE even to its owner.
/// </summary>
public static class AuditSchema
{
    public const string TableName = "chaos_audit";

    public const string Create = """
        CREATE TABLE IF NOT EXISTS chaos_audit (
            id              bigint PRIMARY KEY,
            at              timestamptz NOT NULL,
            key_id          text,
            role            text,
            operation       text NOT NULL,
            service         text,
            request_body    text,
            source_address  text,
            outcome         text NOT NULL,
            status_code     int NOT NULL,
            detail          text,
            previous_hash   text NOT NULL,
            hash            text NOT NULL
        );
        ALTER TABLE chaos_audit ADD COLUMN IF NOT EXISTS chained_at timestamptz;
        ALTER TABLE chaos_audit ADD COLUMN IF NOT EXISTS row_key text;
        ALTER TABLE chaos_audit ADD COLUMN IF NOT EXISTS request_count int NOT NULL DEFAULT 1;
        ALTER TABLE chaos_audit ADD COLUMN IF NOT EXISTS chain_version int NOT NULL DEFAULT 1;
        CREATE UNIQUE INDEX IF NOT EXISTS chaos_audit_row_keyx ON chaos_audit (row_key);
        CREATE INDEX IF NOT EXISTS chaos_audit_at_idx ON chaos_audit (at);
        CREATE INDEX IF NOT EXISTS chaos_audit_service_idx ON chaos_audit (service, id);
        CREATE INDEX IF NOT EXISTS chaos_audit_key_idx ON chaos_audit (key_id, id);
        CREATE OR REPLACE FUNCTION chaos_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'chaos_audit is append-only';
        END $$;
        DROP TRIGGER IF EXISTS chaos_audit_no_change ON chaos_audit;
        CREATE TRIGGER chaos_audit_no_change BEFORE UPDATE OR DELETE OR TRUNCATE ON chaos_audit
            FOR EACH STATEMENT EXECUTE FUNCTION chaos_audit_append_only();
        """;
}
