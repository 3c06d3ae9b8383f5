namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// A failover or failback could not be done safely now (a database it needs is down, or the old writer could not
/// be fenced); what it had changed is undone. Answers 503 with Retry-After, and the record when there is one.
/// </summary>
public sealed class DrUnavailableException(string message, FailoverRecord? record = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    public FailoverRecord? Record { get; } = record;
}
