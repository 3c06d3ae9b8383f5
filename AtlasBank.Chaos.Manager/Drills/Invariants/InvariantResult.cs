namespace AtlasBank.Chaos.Manager.Drills.Invariants;

/// <summary>
/// One invariant checked once: whether it held, the evidence (what was read and compared, in a sentence a
/// reviewer can follow), and on a violation the accounts and transfers involved.
/// </summary>
public sealed record InvariantResult(
    string Invariant, DateTimeOffset At, bool Holds, string Evidence, IReadOnlyList<Guid> Accounts, IReadOnlyList<string> Transfers);
