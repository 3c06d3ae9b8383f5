using System.Globalization;
using System.Net;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Contracts.Dr;

namespace AtlasBank.Chaos.Manager.Drills.Workload;

/// <summary>
/// The ledger as the workload calls it: a named client of the manager's <see cref="IHttpClientFactory"/>, so every
/// call goes through the ServiceDefaults pipeline an AtlasBank service uses (standard resilience, the active region's
/// routing of the logical <c>http://ledger</c>, the chaos handler, service discovery), and injected latency and faults
/// reach it as a real caller; after a failover it follows the writer as every caller does.
/// </summary>
internal sealed class WorkloadLedgerClient(IHttpClientFactory clients)
{
    public const string Name = "drill-workload-ledger";
    public static readonly Uri BaseAddress = new($"http://{DrRegions.LogicalLedgerHost}");
    public const string Currency = "EUR";

    private const int DetailLength = 300;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Opens an account, or throws <see cref="WorkloadPreparationException"/> saying what the ledger answered.</summary>
    public async Task<Guid> CreateAccountAsync(string name, bool allowOverdraft, CancellationToken cancellationToken)
    {
        using var http = clients.CreateClient(Name);
        try
        {
            using var response = await http.PostAsJsonAsync("/accounts", new { name, currency = Currency, allowOverdraft }, Json, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                throw new WorkloadPreparationException($"The ledger answered {await DescribeAsync(response, cancellationToken)} to opening account '{name}'.");
            }

            return await ReadIdAsync(response, cancellationToken)
                ?? throw new WorkloadPreparationException($"The ledger opened account '{name}' but its answer held no id.");
        }
        catch (Exception ex) when (IsUnanswered(ex, cancellationToken))
        {
            throw new WorkloadPreparationException($"The ledger did not answer opening account '{name}': {Describe(ex)}", ex);
        }
    }

    /// <summary>Posts one keyed transfer for preparation; anything but acknowledged throws <see cref="WorkloadPreparationException"/>.</summary>
    public async Task FundAsync(Guid from, Guid to, decimal amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        var result = await TransferAsync(from, to, amount, idempotencyKey, cancellationToken);
        if (result.Outcome != WorkloadOutcomes.Acknowledged)
        {
            throw new WorkloadPreparationException(
                $"Funding account {to} with {Money(amount)} (Idempotency-Key {idempotencyKey}) came out {result.Outcome}: {result.Detail}");
        }
    }

    /// <summary>
    /// One transfer, never throwing for the ledger's sake: 201, or 200 replayed, is acknowledged; a 4xx rejected; a
    /// 5xx, a timeout, a broken connection or an open circuit unknown. Only <paramref name="cancellationToken"/> throws.
    /// </summary>
    public async Task<LedgerTransferResult> TransferAsync(Guid from, Guid to, decimal amount, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var http = clients.CreateClient(Name);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
        {
            Content = JsonContent.Create(new { fromAccountId = from, toAccountId = to, amount, reference = idempotencyKey }, options: Json),
        };
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var replayed = response.Headers.TryGetValues("Idempotent-Replayed", out var values)
                && values.Any(value => string.Equals(value, "true", StringComparison.OrdinalIgnoreCase));
            if (response.StatusCode == HttpStatusCode.Created || (response.StatusCode == HttpStatusCode.OK && replayed))
            {
                var id = await ReadIdAsync(response, cancellationToken);
                return new(WorkloadOutcomes.Acknowledged, id, id is null ? "acknowledged without a transfer id in the body" : null);
            }

            var status = (int)response.StatusCode;
            var outcome = status is >= 400 and < 500 ? WorkloadOutcomes.Rejected : WorkloadOutcomes.Unknown;
            return new(outcome, null, await DescribeAsync(response, cancellationToken));
        }
        catch (Exception ex) when (IsUnanswered(ex, cancellationToken))
        {
            return new(WorkloadOutcomes.Unknown, null, Describe(ex));
        }
    }

    public static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>
    /// Anything the call itself threw (a timeout, a refused or reset connection, an open circuit, a body that is not
    /// JSON) but not the caller's own cancellation.
    /// </summary>
    private static bool IsUnanswered(Exception ex, CancellationToken cancellationToken) =>
        ex is not WorkloadPreparationException && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static async Task<Guid?> ReadIdAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var created = await response.Content.ReadFromJsonAsync<Created>(Json, cancellationToken);
            return created?.Id is { } id && id != Guid.Empty ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static async Task<string> DescribeAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = $"{(int)response.StatusCode} {response.ReasonPhrase}";
        if (response.Headers.TryGetValues(ChaosHeaders.Injected, out var injected))
        {
            status += $" (chaos: {string.Join(",", injected)})";
        }

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(body) ? status : Shorten($"{status}: {body}");
    }

    private static string Describe(Exception ex) => Shorten($"{ex.GetType().Name}: {ex.Message}");

    private static string Shorten(string text) => text.Length <= DetailLength ? text : string.Concat(text.AsSpan(0, DetailLength), "…");

    private sealed record Created(Guid? Id);
}
