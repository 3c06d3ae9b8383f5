using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.Manager.Dr.Databases;

/// <summary>
/// The region's database refused a <c>dr</c> step on its own checks: a rebuild of a region that still takes writes, or
/// from a copy that would drop something it holds or is not a balanced ledger; an account restored into a region that
/// does not write. Nothing was changed.
/// </summary>
public sealed class RegionRefusedException(string region, string reason, Exception innerException)
    : Exception($"{region}'s database refused: {reason}.", innerException)
{
    /// <summary>What <c>dr.*</c> functions raise when they refuse.</summary>
    public const string SqlState = DrFunctions.RefusedSqlState;

    public string Region { get; } = region;
}
