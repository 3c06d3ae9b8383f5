using AtlasBank.Chaos.Provisioning.Ledger;
using AtlasBank.Chaos.Provisioning.Postgres;
using Npgsql;
using static AtlasBank.Chaos.Tests.Security.ServiceDatabaseCredentials;

namespace AtlasBank.Chaos.Tests.Security;

/// <summary>The verifier the provisioning creates roles with, checked against the real server.</summary>
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
    public void TheSubscriptionConnectionNamesTheServiceTheServiceFileDefines()
    {
        var lines = ReplicationServiceFile.Lines("postgres", 5432, "ledgerdb", "ledger_replicator", "a:b\\c'd");

        Assert.Contains($"service={lines[0].Trim('[', ']')}", SubscriptionConnectionInfo.Value, StringComparison.Ordinal);
        Assert.Equal(["host=postgres", "port=5432", "dbname=ledgerdb", "user=ledger_replicator", "password=a:b\\c'd"], lines.Skip(1));
        Assert.DoesNotContain("password", SubscriptionConnectionInfo.Value, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("two\nlines")]
    [InlineData(" padded")]
    [InlineData("")]
    public void AServiceFileValueThatLibpqWouldReadDifferentlyIsRefused(string password) =>
        Assert.Throws<ArgumentException>(() => ReplicationServiceFile.Lines("postgres", 5432, "ledgerdb", "ledger_replicator", password));

    private static string WithLogin(NpgsqlConnectionStringBuilder server, string user, string password) =>
        new NpgsqlConnectionStringBuilder(server.ConnectionString) { Username = user, Password = password }.ConnectionString;
}
