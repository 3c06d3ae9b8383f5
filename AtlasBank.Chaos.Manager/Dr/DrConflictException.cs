namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>The DR state does not allow this now: another failover holds the lock, or there is nothing to fail back. Answers 409.</summary>
public sealed class DrConflictException(string message, string? runningFailoverId = null) : Exception(message)
{
    public string? RunningFailoverId { get; } = runningFailoverId;
}
