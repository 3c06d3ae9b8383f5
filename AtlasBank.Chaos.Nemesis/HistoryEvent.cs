using System.Globalization;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>One line of the history: when (since the schedule started), who (a workload client or the nemesis), what.</summary>
public sealed record HistoryEvent(TimeSpan At, string Process, OperationType Type, string Function, string Value)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{At.TotalSeconds,9:0.000}  {Process,-8} {Type.ToString().ToLowerInvariant(),-6} {Function,-24} {Value}");
}
