using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;

namespace AtlasBank.Chaos.ServiceDefaults.Resilience;

/// <summary>
/// The retry predicate of every HttpClient: a transient failure is retried only when repeating the request
/// cannot do a second write, i.e. the method is safe or the request carries an <c>Idempotency-Key</c>.
/// (<c>DisableForUnsafeHttpMethods</c> would also stop keyed writes, which the server deduplicates.)
/// </summary>
public static class SafeToRetry
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static ValueTask<bool> ShouldHandle(RetryPredicateArguments<HttpResponseMessage> args) =>
        ValueTask.FromResult(
            HttpClientResiliencePredicates.IsTransient(args.Outcome)
            && CanRepeat(args.Context.GetRequestMessage() ?? args.Outcome.Result?.RequestMessage));

    /// <summary>An unknown request is sent once: a lost retry costs less than a double write.</summary>
    public static bool CanRepeat(HttpRequestMessage? request) =>
        request is not null && (IsSafeMethod(request.Method) || request.Headers.Contains(IdempotencyKeyHeader));

    private static bool IsSafeMethod(HttpMethod method) =>
        method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options || method == HttpMethod.Trace;
}
