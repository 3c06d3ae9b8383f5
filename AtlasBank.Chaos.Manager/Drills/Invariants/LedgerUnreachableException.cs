namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>
/// A ledger database could not be read within its bounds (down, hung, or refusing the auditor): the invariants were
/// not checked, which is not the same as violated. The message says which database and why.
/// </summary>
public sealed class LedgerUnreachableException : Exception
{
    public LedgerUnreachableException(string message)
        : base(message)
    {
    }

    public LedgerUnreachableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
