namespace AtlasBank.Chaos.Contracts.Ledger;

/// <summary>
/// The ledger's checksum in one statement, for one REPEATABLE READ snapshot: counts of accounts, transfers and
/// entries, the total balance, whether every balance equals its entries, and an MD5 over balances and entries.
/// The ledger answers it (<c>GET /ledger/checksum</c>) and a failback compares it across regions, so both read the
/// same query.
/// </summary>
public static class LedgerChecksumQuery
{
    public const string Sql = """
        SELECT
            (SELECT count(*) FROM accounts),
            (SELECT count(*) FROM transfers),
            (SELECT count(*) FROM entries),
            (SELECT coalesce(sum(balance), 0) FROM accounts),
            NOT EXISTS (
                SELECT 1 FROM accounts a
                WHERE a.balance <> coalesce((SELECT sum(e.amount) FROM entries e WHERE e.account_id = a.id), 0)),
            md5(
                coalesce((SELECT string_agg(id::text || ':' || balance::text, ',' ORDER BY id) FROM accounts), '')
                || '|' ||
                coalesce((SELECT string_agg(id::text || ':' || account_id::text || ':' || amount::text, ',' ORDER BY id) FROM entries), ''))
        """;
}
