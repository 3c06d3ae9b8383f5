namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>A region database's WAL position and how many transfers it holds, read in one statement.</summary>
public sealed record RegionPosition(string WalLsn, long Transfers);
