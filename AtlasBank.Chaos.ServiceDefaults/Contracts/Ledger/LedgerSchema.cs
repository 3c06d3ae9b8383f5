namespace AtlasBank.Chaos.Contracts.Ledger;

/// <summary>
/// The ledger's tables, created by the provisioning on primary and DR alike (logical replication copies rows, not
/// DDL), owned by a role no service logs in as. Ids are UUIDs made by the service, so a promoted DR has no
/// sequences to catch up.
/// </summary>
public static class LedgerSchema
{
    public static readonly string[] ReplicatedTables = ["accounts", "transfers", "entries"];

    public const string Create = """
        CREATE TABLE IF NOT EXISTS accounts (
            id              uuid PRIMARY KEY,
            name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
            currency        char(3) NOT NULL,
            allow_overdraft boolean NOT NULL DEFAULT false,
            balance         numeric(20, 2) NOT NULL DEFAULT 0,
            created_at      timestamptz NOT NULL,
            CONSTRAINT accounts_funds_check CHECK (allow_overdraft OR balance >= 0)
        );

        CREATE TABLE IF NOT EXISTS transfers (
            id               uuid PRIMARY KEY,
            idempotency_key  text UNIQUE,
            request_hash     text NOT NULL,
            from_account_id  uuid NOT NULL REFERENCES accounts (id),
            to_account_id    uuid NOT NULL REFERENCES accounts (id),
            amount           numeric(20, 2) NOT NULL CHECK (amount > 0),
            currency         char(3) NOT NULL,
            reference        text,
            created_at       timestamptz NOT NULL,
            CONSTRAINT transfers_distinct_accounts CHECK (from_account_id <> to_account_id)
        );

        -- Whether its commit waited for DR (synchronous mode in effect for it): such a transfer is acknowledged only
        -- once DR holds it, so if DR lacks it, it was never acknowledged. An older ledger's rows say false (maybe acknowledged).
        ALTER TABLE transfers ADD COLUMN IF NOT EXISTS synchronous boolean NOT NULL DEFAULT false;

        CREATE TABLE IF NOT EXISTS entries (
            id             uuid PRIMARY KEY,
            transfer_id    uuid NOT NULL REFERENCES transfers (id),
            account_id     uuid NOT NULL REFERENCES accounts (id),
            amount         numeric(20, 2) NOT NULL CHECK (amount <> 0),
            balance_after  numeric(20, 2) NOT NULL,
            created_at     timestamptz NOT NULL
        );

        CREATE INDEX IF NOT EXISTS entries_account_created_idx ON entries (account_id, created_at, id);
        CREATE INDEX IF NOT EXISTS entries_transfer_idx ON entries (transfer_id);
        """;
}
