namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Jepsen's operation types: every operation is an <see cref="Invoke"/>, then one of <see cref="Ok"/> (it happened),
/// <see cref="Fail"/> (it certainly did not) or <see cref="Info"/> (unknown: a timeout, a reset connection, a 5xx; it
/// may or may not have happened, and the checker allows both).
/// </summary>
public enum OperationType
{
    Invoke,
    Ok,
    Fail,
    Info,
}
