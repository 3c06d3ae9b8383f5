namespace AtlasBank.Chaos.Nemesis;

/// <summary>How hard a schedule's workload pushes and how long anything may take.</summary>
public sealed record NemesisOptions
{
    /// <summary>Transfers a second, open loop (the issue asks at least 50).</summary>
    public int RatePerSecond { get; init; } = 60;

    public int Accounts { get; init; } = 10;

    public decimal FundingPerAccount { get; init; } = 1_000m;

    /// <summary>Most steps a generated schedule has.</summary>
    public int MaxSteps { get; init; } = 6;

    /// <summary>One transfer, retries included; past it the request is <see cref="OperationType.Info"/>.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Requests waiting at once; a tick beyond it sends nothing (counted as skipped), so a frozen region cannot pile up thousands.</summary>
    public int MaxInFlight { get; init; } = 300;

    /// <summary>The workload goes on this long at home after the heal, before it stops.</summary>
    public TimeSpan SettleAtHome { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How soon after the heal region A must acknowledge a transfer of the workload: home means taking writes.</summary>
    public TimeSpan HomeWritesBound { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long both regions may take to become equal once the workload stopped.</summary>
    public TimeSpan ConvergenceBound { get; init; } = TimeSpan.FromSeconds(30);
}
