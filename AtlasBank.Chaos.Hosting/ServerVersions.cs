namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// The server majors the whole suite runs (Debian 12's <c>redis-server</c> 7.0 and PostgreSQL 15), and so the container
/// images a deployment runs: Redis ACL rules and PostgreSQL's logical replication differ between majors, and what is
/// deployed must be what was tested (a test compares these tags with the local servers' <c>--version</c>).
/// </summary>
public static class ServerVersions
{
    public const string RedisImageTag = "7.0";

    public const string PostgresImageTag = "15";
}
