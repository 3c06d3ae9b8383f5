using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>
/// Requests without a valid key are audited in aggregate: one row per source address, status and
/// <see cref="DenialAuditOptions.Window"/> with the number of requests, not one row each — a flood of them must
/// not turn into a flood of audit work.
/// </summary>
public sealed partial class DenialAggregator(
    AuditTrail audit,
    IOptions<DenialAuditOptions> options,
    TimeProvider timeProvider,
    ILogger<DenialAggregator> logger) : BackgroundService
{
    // A lock, not a swapped concurrent dictionary: a count racing the swap would be lost from the audit.
    private readonly Lock _gate = new();
    private Dictionary<(string Address, int Status), int> _counts = [];

    public void Count(string? address, int status)
    {
        lock (_gate)
        {
            var key = (address ?? "unknown", status);
            _counts[key] = _counts.GetValueOrDefault(key) + 1;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.Window, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: what was counted is still written below.
        }

        await FlushAsync();
    }

    private async Task FlushAsync()
    {
        Dictionary<(string Address, int Status), int> counted;
        lock (_gate)
        {
            (counted, _counts) = (_counts, []);
        }

        var window = options.Value.Window;
        foreach (var ((address, status), count) in counted)
        {
            var detail = $"{count} requests without a valid API key in {window.TotalSeconds:0.###} s.";
            await audit.RecordAsync(new AuditRecord(null, null, "Unauthenticated", null, null, address, status, detail, count));
            LogDenied(count, address, status, window.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} requests from {Address} refused ({Status}) without a valid API key in the last {WindowSeconds} s.")]
    private partial void LogDenied(int count, string address, int status, double windowSeconds);
}
