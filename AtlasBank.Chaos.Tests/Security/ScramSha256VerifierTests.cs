using AtlasBank.Chaos.AppHost.Databases;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>The verifier the AppHost creates roles with, checked against the real server.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class ScramSha256VerifierTests(AtlasAppFixture fixture)
{
    [Fact]
    public async Task ARoleCreatedWithTheComputedVerifierLogsInWithItsPasswordAndNoOther()
    {
        var role = $"scram_probe_{Guid.NewGuid():N}";
        var password = $"pencil-{Guid.NewGuid():N}";
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
        await ExecuteAsync(admin, $"CREATE ROLE {role} LOGIN PASSWORD '{ScramSha256Verifier.Compute(password)}'; GRANT CONNECT ON DATABASE postgres TO {role}");
        try
        {
            var server = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("ledgerdb")) { Database = "postgres" };
            await using (var connection = await OpenAsync(WithLogin(server, role, password)))
            {
                Assert.Equal(role, await ScalarAsync(connection, "SELECT current_user"));
            }

            var refused = await Assert.ThrowsAsync<PostgresException>(() => OpenAsync(WithLogin(server, role, password + "x")));
            Assert.Equal(PostgresErrorCodes.InvalidPassword, refused.SqlState);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP OWNED BY {role}; DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task TheVerifierIsWhatPostgresStoresForTheSamePasswordAndSalt()
    {
        var role = $"scram_probe_{Guid.NewGuid():N}";
        const string Password = "correct horse battery staple";
        await using var admin = await OpenAdminAsync(fixture, "ledgerdb");
        await ExecuteAsync(admin, $"SET password_encryption = 'scram-sha-256'; CREATE ROLE {role} PASSWORD '{Password}'");
        try
        {
            var stored = (string)(await ScalarAsync(admin, $"SELECT rolpassword FROM pg_authid WHERE rolname = '{role}'"))!;
            // SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>
            var salt = Convert.FromBase64String(stored.Split('$')[1].Split(':')[1]);

            Assert.Equal(stored, ScramSha256Verifier.Compute(Password, salt, ScramSha256Verifier.DefaultIterations));
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP ROLE {role}");
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("pässword")]
    [InlineData("tab\there")]
    public void APasswordOutsidePrintableAsciiIsRefusedRatherThanHashedDifferentlyFromPostgres(string password) =>
        Assert.Throws<ArgumentException>(() => ScramSha256Verifier.Compute(password));

    [Fact]
    public void TheSubscriptionConnectionQuotesValuesAndCarriesNoPassword()
    {
        var info = SubscriptionConnectionInfo.Format("postgres", 5432, "ledger'db", "ledger_replicator", "ledger_dr_sub");

        Assert.Equal("host='postgres' port='5432' dbname='ledger\\'db' user='ledger_replicator' application_name='ledger_dr_sub'", info);
    }

    [Fact]
    public void ThePassfileLineEscapesColonsAndBackslashes() =>
        Assert.Equal("127.0.0.1:5432:ledgerdb:ledger_replicator:a\\:b\\\\c\n",
            SubscriptionPassfile.Line("127.0.0.1", 5432, "ledgerdb", "ledger_replicator", "a:b\\c"));

    private static string WithLogin(NpgsqlConnectionStringBuilder server, string user, string password) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = user, Password = password }.ConnectionString;
}
