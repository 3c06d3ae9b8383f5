namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>The body of <c>POST /chaos/enable</c> and of each <c>bulk-enable</c> item, as the spec writes it.</summary>
public sealed class EnableChaosRequest
{
    public string? Service { get; set; }

    public string? Mode { get; set; }

    public double? FailureRate { get; set; }

    public int? DelayMs { get; set; }

    public int? RetryCount { get; set; }

    public string? TargetUrl { get; set; }

    /// <summary>The lease in seconds; defaults to <see cref="ChaosManagerOptions.DefaultDurationSeconds"/>.</summary>
    public int? DurationSeconds { get; set; }
}
