namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>A region's database is down or did not answer within the bound.</summary>
public sealed class RegionDatabaseUnavailableException(string region, string message, Exception? innerException = null)
    : Exception($"{region}'s ledger database: {message}", innerException)
{
    public string Region { get; } = region;
}
