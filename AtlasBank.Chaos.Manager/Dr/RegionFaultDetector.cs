using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Declares a region down after <see cref="DrOptions.DetectionFailures"/> consecutive failed probes of its ledger,
/// one every <see cref="DrOptions.DetectionInterval"/>: what automatic promotion waits on.
/// </summary>
public sealed class RegionFaultDetector(RegionLedgers ledgers, IOptions<DrOptions> options, TimeProvider timeProvider)
{
    /// <summary>When the region was found down: the time of the last of the failed probes in a row.</summary>
    public async Task<DateTimeOffset> WaitUntilDownAsync(string region, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var failures = 0;
        while (true)
        {
            var probedAt = timeProvider.GetUtcNow();
            failures = await ledgers.IsServingAsync(region, settings.DetectionProbeTimeout, cancellationToken) ? 0 : failures + 1;
            if (failures >= settings.DetectionFailures)
            {
                return timeProvider.GetUtcNow();
            }

            var rest = settings.DetectionInterval - (timeProvider.GetUtcNow() - probedAt);
            if (rest > TimeSpan.Zero)
            {
                await Task.Delay(rest, timeProvider, cancellationToken);
            }
        }
    }
}
