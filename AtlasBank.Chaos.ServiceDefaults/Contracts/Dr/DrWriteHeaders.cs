namespace AtlasBank.Chaos.Contracts.Dr;

/// <summary>
/// Response headers a ledger puts on every write it let through: its region and the routing epoch it admitted the
/// write under. A caller's record of these, with each request's start and end, shows which region took writes when.
/// </summary>
public static class DrWriteHeaders
{
    public const string Region = "X-Dr-Region";
    public const string Epoch = "X-Dr-Epoch";
}
