using System.Globalization;

namespace AtlasBank.Chaos.Manager.Drills.Probes;

/// <summary>
/// The run's failover kept within the impact tolerance: RTO to the first successful write through the logical
/// ledger name at most <see cref="MaxRtoSeconds"/>, and at most <see cref="MaxRpoTransactions"/> acknowledged
/// transfers lost. Skipped until the run has failed over; violated after the method if it never did.
/// </summary>
public sealed class FailoverProbe : DrillProbe
{
    public const double MaxSecondsLimit = 600;

    public double? MaxRtoSeconds { get; init; }

    public int? MaxRpoTransactions { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        if (MaxRtoSeconds is not null and (<= 0 or > MaxSecondsLimit))
        {
            validation.Add($"{path}.MaxRtoSeconds", string.Create(CultureInfo.InvariantCulture, $"Above 0, at most {MaxSecondsLimit} seconds."));
        }

        if (MaxRpoTransactions is < 0)
        {
            validation.Add($"{path}.MaxRpoTransactions", "0 or more transfers.");
        }

        if (MaxRtoSeconds is null && MaxRpoTransactions is null)
        {
            validation.Add(path, "Give MaxRtoSeconds, MaxRpoTransactions or both: the tolerance this probe checks.");
        }
    }
}
