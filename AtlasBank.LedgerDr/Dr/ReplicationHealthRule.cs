using System.Globalization;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// When DR's replication is healthy, checked in this order (the first broken rule is the reason): the subscription
/// exists, it is enabled, the primary answers, the lag is at most <see cref="ReplicationHealthOptions.MaxLagBytes"/>,
/// and DR is not stalled — the primary has WAL DR has not received, and DR has heard nothing from it for longer than
/// <see cref="ReplicationHealthOptions.MaxMessageAge"/>. An idle primary (no WAL beyond what DR received) is healthy
/// however old the last message is.
/// </summary>
public static class ReplicationHealthRule
{
    /// <param name="status">What <see cref="ReplicationStatusReader"/> read.</param>
    /// <param name="behindSince">Since when the primary has been ahead of DR's current received position (null: it is not).</param>
    public static ReplicationHealth Evaluate(DrStatus status, DateTimeOffset? behindSince, DateTimeOffset now, ReplicationHealthOptions options)
    {
        if (!status.SubscriptionExists)
        {
            return ReplicationHealth.Unhealthy("subscription missing");
        }

        if (!status.SubscriptionEnabled)
        {
            return ReplicationHealth.Unhealthy("subscription disabled");
        }

        if (!status.PublisherReachable)
        {
            return ReplicationHealth.Unhealthy("primary unreachable");
        }

        if (status.LagBytes > options.MaxLagBytes)
        {
            return ReplicationHealth.Unhealthy(string.Create(CultureInfo.InvariantCulture,
                $"lag {status.LagBytes} bytes above the bound of {options.MaxLagBytes}"));
        }

        if (behindSince is { } since)
        {
            // Silent since the later of the last message and the moment the primary got ahead: a primary that was
            // idle for an hour and wrote a second ago has not kept DR waiting for an hour.
            var silentSince = status.LastMessageReceivedAt is { } last && last > since ? last : since;
            var silence = now - silentSince;
            if (silence > options.MaxMessageAge)
            {
                return ReplicationHealth.Unhealthy(string.Create(CultureInfo.InvariantCulture,
                    $"no message from the primary for {silence.TotalSeconds:0} s while it wrote WAL (bound {options.MaxMessageAge.TotalSeconds:0} s)"));
            }
        }

        return ReplicationHealth.Ok;
    }
}
