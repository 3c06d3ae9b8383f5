namespace AtlasBank.Chaos.Manager.Drills.Steps;

/// <summary>
/// The bank workload: <c>Clients</c> concurrent clients make transfers among <c>Accounts</c> accounts the run creates,
/// at <c>RatePerSecond</c> in all (a run may override the rate). In the foreground the method waits
/// <c>DurationSeconds</c> for it; with <c>"Background": true</c> the method goes straight on and the workload runs
/// alongside the later steps — for <c>DurationSeconds</c> if given, else until the method's last step is done — and
/// the run waits for it to stop before its after-checks.
/// </summary>
public sealed class WorkloadStep : DrillStep
{
    public const int MaxClients = 64;
    public const int MaxAccounts = 1_000;
    public const int MaxDurationSeconds = 3_600;

    public int? RatePerSecond { get; init; }

    public int? DurationSeconds { get; init; }

    public int Clients { get; init; } = 4;

    public int Accounts { get; init; } = 10;

    public bool Background { get; init; }

    public override void Validate(DrillValidation validation, string path)
    {
        var rates = validation.Options;
        if (RatePerSecond is not { } rate || rate < rates.MinRatePerSecond || rate > rates.MaxRatePerSecond)
        {
            validation.Add($"{path}.RatePerSecond", $"Required: from {rates.MinRatePerSecond} to {rates.MaxRatePerSecond} transfers a second.");
        }

        if (DurationSeconds is { } duration && duration is < 1 or > MaxDurationSeconds)
        {
            validation.Add($"{path}.DurationSeconds", $"From 1 to {MaxDurationSeconds} seconds.");
        }
        else if (DurationSeconds is null && !Background)
        {
            validation.Add($"{path}.DurationSeconds", "Required in the foreground; only a background workload may run until the method ends.");
        }

        if (Clients is < 1 or > MaxClients)
        {
            validation.Add($"{path}.Clients", $"From 1 to {MaxClients}.");
        }

        if (Accounts is < 2 or > MaxAccounts)
        {
            validation.Add($"{path}.Accounts", $"From 2 to {MaxAccounts}: a transfer needs two accounts.");
        }
    }
}
