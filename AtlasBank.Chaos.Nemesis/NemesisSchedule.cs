namespace AtlasBank.Chaos.Nemesis;

/// <summary>A generated fault schedule and the CsCheck seed that generates it again (<c>--seed</c> replays it).</summary>
public sealed record NemesisSchedule(string Seed, IReadOnlyList<NemesisStep> Steps)
{
    public override string ToString() => $"seed {Seed}: [{string.Join(", ", Steps)}]";
}
