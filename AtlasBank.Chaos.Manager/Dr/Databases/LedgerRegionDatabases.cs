namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>Both regions' ledger databases, by region name (<c>region-a</c>, <c>region-b</c>).</summary>
public sealed class LedgerRegionDatabases(IReadOnlyDictionary<string, LedgerRegionDatabase> regions)
{
    public LedgerRegionDatabase this[string region] => regions[region];
}
