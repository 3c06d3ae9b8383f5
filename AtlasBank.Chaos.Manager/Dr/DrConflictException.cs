namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// The DR state does not allow this now: another failover holds the lock, there is nothing to fail back, the region
/// to promote is not a replica of the writer, or going on would lose data. Answers 409, with the record when there is one.
/// </summary>
public sealed class DrConflictException(string message, string? runningFailoverId = null, FailoverRecord? record = null) : Exception(message)
{
    public string? RunningFailoverId { get; } = runningFailoverId;

    public FailoverRecord? Record { get; } = record;
}
