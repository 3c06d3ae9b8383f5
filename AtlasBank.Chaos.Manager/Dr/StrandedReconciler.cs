using System.Net;
using System.Text.Json;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Manager.Dr.Databases;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Re-applies stranded transfers to the active region through the logical ledger name, each under its own
/// Idempotency-Key: the ledger posts it once, or replays it when it has it already, never twice.
/// </summary>
public sealed class StrandedReconciler(IHttpClientFactory httpClientFactory, TimeProvider timeProvider)
{
    public const string HttpClientName = "dr-reconcile";
    public static readonly Uri BaseAddress = new($"http://{DrRegions.LogicalLedgerHost}");

    public async Task<ReconciledTransfer> ApplyAsync(StrandedTransfer transfer, CancellationToken cancellationToken)
    {
        if (transfer.IdempotencyKey is not { Length: > 0 } key)
        {
            return Result(transfer, ReconcileOutcomes.ManualReview, null, "It has no Idempotency-Key, so it cannot be posted again safely.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/transfers")
        {
            Content = JsonContent.Create(new
            {
                fromAccountId = transfer.FromAccountId,
                toAccountId = transfer.ToAccountId,
                amount = transfer.Amount,
                reference = transfer.Reference,
            }),
        };
        request.Headers.Add("Idempotency-Key", key);
        try
        {
            using var response = await httpClientFactory.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Created => Result(transfer, ReconcileOutcomes.Posted, IdOf(body), null),
                HttpStatusCode.OK => Result(transfer, ReconcileOutcomes.AlreadyPresent, IdOf(body), null),
                HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.BadRequest =>
                    Result(transfer, ReconcileOutcomes.ManualReview, null, $"{(int)response.StatusCode}: {TitleOf(body)}"),
                _ => Result(transfer, ReconcileOutcomes.Failed, null, $"{(int)response.StatusCode}: {TitleOf(body)}"),
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException or Polly.ExecutionRejectedException
                                   && !cancellationToken.IsCancellationRequested)
        {
            return Result(transfer, ReconcileOutcomes.Failed, null, ex.Message);
        }
    }

    private ReconciledTransfer Result(StrandedTransfer transfer, string outcome, Guid? newId, string? reason) =>
        new(transfer.Id, transfer.IdempotencyKey, transfer.Amount, outcome, newId, reason, timeProvider.GetUtcNow());

    private static Guid? IdOf(string body) => Property(body, "id") is { ValueKind: JsonValueKind.String } id && id.TryGetGuid(out var guid) ? guid : null;

    private static string TitleOf(string body) => Property(body, "title")?.GetString() ?? "no problem details";

    private static JsonElement? Property(string body, string name)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(name, out var value) ? value.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
