using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.ServiceDefaults.Dr;
using Microsoft.Extensions.Options;

namespace AtlasBank.LedgerDr.Dr;

/// <summary>
/// Lets a write through only while the routing names this ledger's region the active one and nothing is switching,
/// and counts the writes it let through that have not finished, so a fence can be verified as complete.
/// </summary>
public sealed class ActiveRegionWriteGate(DrRoutingCache routing, IOptions<LedgerOptions> options)
{
    public const string ReadOnlyProblemType = "https://atlasbank.dev/problems/dr-read-only";
    public const string SwitchingProblemType = "https://atlasbank.dev/problems/dr-switching";

    private long _inFlight;

    public string Region => options.Value.Region!;

    /// <summary>Writes let through that are still running.</summary>
    public long WritesInFlight => Interlocked.Read(ref _inFlight);

    /// <summary>The routing state the decision was made on, and a pass that must be disposed when the write ends (null: refused).</summary>
    public (DrRoutingState State, IDisposable? Pass) TryEnter()
    {
        // Counted before the routing is read: once a reader sees the new state and no write in flight, none admitted
        // under the old state can still be running.
        Interlocked.Increment(ref _inFlight);
        var state = routing.Current;
        if (state.IsWriter(Region))
        {
            return (state, new Pass(this));
        }

        Interlocked.Decrement(ref _inFlight);
        return (state, null);
    }

    private sealed class Pass(ActiveRegionWriteGate gate) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref gate._inFlight);
            }
        }
    }
}

/// <summary>
/// The write endpoints' filter: a write the routing does not allow here is refused before it reaches the database,
/// with 409 naming the active region, or 503 and <c>Retry-After: 1</c> while the writer is being moved.
/// </summary>
internal sealed class ActiveRegionWriteFilter(ActiveRegionWriteGate gate) : IEndpointFilter
{
    /// <summary>On every write this ledger let through: its region (<see cref="DrRegions"/>).</summary>
    public const string WriteRegionHeader = DrWriteHeaders.Region;

    /// <summary>On every write this ledger let through: the routing epoch it was admitted under.</summary>
    public const string WriteEpochHeader = DrWriteHeaders.Epoch;

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var (state, pass) = gate.TryEnter();
        if (pass is not null)
        {
            // The write record a caller keeps: which region let the write through, under which routing epoch (the
            // nemesis's split-brain check compares these across regions with the requests' times).
            context.HttpContext.Response.Headers[WriteRegionHeader] = gate.Region;
            context.HttpContext.Response.Headers[WriteEpochHeader] = state.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture);
            using (pass)
            {
                return await next(context);
            }
        }

        if (state.Switching)
        {
            context.HttpContext.Response.Headers.RetryAfter = "1";
            return TypedResults.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The ledger is switching regions.",
                detail: $"A failover or failback is moving the writer (epoch {state.Epoch}); no ledger takes writes until it ends. Retry shortly.",
                type: ActiveRegionWriteGate.SwitchingProblemType);
        }

        return TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict,
            title: $"This ledger is read-only: {state.ActiveRegion} is the active region.",
            detail: $"This is the {gate.Region} ledger and {state.ActiveRegion} takes the writes (epoch {state.Epoch}). " +
                    $"Send writes to http://{DrRegions.LogicalLedgerHost}, which goes to the active region's ledger.",
            type: ActiveRegionWriteGate.ReadOnlyProblemType);
    }
}
