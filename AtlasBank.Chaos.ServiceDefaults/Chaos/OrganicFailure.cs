using Polly;
using Polly.Timeout;

namespace AtlasBank.Chaos.ServiceDefaults.Chaos;

/// <summary>
/// Which calls under chaos failed on their own — what auto-disable watches. A failure is organic when the call
/// threw or got a 5xx and chaos had no part in it: not an injected fault, and not a timeout or cancellation of an
/// attempt in which chaos injected a delay (the caller's attempt timeout firing during, or after, a deliberate
/// delay is the drill working, not the target failing). A real 5xx or a refused connection after an injected
/// delay is still organic.
/// </summary>
public static class OrganicFailure
{
    public static bool Is(Outcome<HttpResponseMessage> outcome, ChaosInjection injection)
    {
        if (injection.Faults > 0)
        {
            return false;
        }

        return outcome.Exception switch
        {
            null => (int)outcome.Result!.StatusCode >= 500,
            OperationCanceledException or TimeoutRejectedException => injection.LatencyInjections == 0,
            _ => true,
        };
    }
}
