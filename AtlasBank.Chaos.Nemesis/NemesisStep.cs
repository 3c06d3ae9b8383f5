using System.Globalization;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>One step of a schedule: wait <see cref="DelayMs"/> after the previous step ended, then apply <see cref="Fault"/>.</summary>
public sealed record NemesisStep(int DelayMs, NemesisFault Fault)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"+{DelayMs}ms {Fault}");
}
