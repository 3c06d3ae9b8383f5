using Npgsql;

namespace AtlasBank.Chaos.Tests.Shadow;

/// <summary>Region B's ledger database as its superuser: what a faulty restore, a rogue write or an operator can do to it.</summary>
public static class DrDatabase
{
    public static async Task ExecuteAsync(AtlasAppFixture fixture, string sql)
    {
        await using var connection = new NpgsqlConnection(await fixture.App.GetConnectionStringAsync("ledgerdb-dr"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
