using System.Security.Claims;
using AtlasBank.Chaos.Manager.Security;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Dr;

/// <summary>
/// Disaster recovery: the state (any role), failover (operator; never rate limited, its audit spooled rather than
/// waited for — it is for the disaster), failback and reconciliation (admin), and the failover records.
/// </summary>
public static class DrApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 100;
    private const string RetryAfterSeconds = "5";

    public static IEndpointRouteBuilder MapDrApi(this IEndpointRouteBuilder dr)
    {
        var view = dr.MapViewGroup();
        view.MapGet("/state", GetState)
            .WithName("GetDrState")
            .WithSummary("Which region takes writes, the replication mode, a failover in progress, and the last failover's RPO and RTO.")
            .WithDescription("Returns the routing every service follows (ActiveRegion, Epoch, Switching), the writer's replication mode (async, sync or unknown), whether the other region replicates from the writer (DrReplicating, and DrReplicationIssue saying why not), the failover or failback holding the lock (InProgress), the last failover's fields at the top level (FailoverId, FromRegion, ToRegion, StartedAt, CompletedAt, Fenced, RpoTransactions, RpoAmount, RpoTransferIds, LagBytesAtFault, RtoPromotionSeconds) and the last failover and failback in full. Any role may read it.");
        view.MapGet("/failovers", List)
            .WithName("ListFailovers")
            .WithSummary("The newest failovers and failbacks (limit, 1 to 100, default 20).")
            .WithDescription("Returns the newest failover and failback records first, each with its fence, RPO, RTO numbers and reconciliation; the last 100 are kept. Any role may read them.");
        view.MapGet("/failovers/{failoverId}", Get)
            .WithName("GetFailover")
            .WithSummary("One failover or failback: fence, RPO with the stranded transfers, RTO, reconciliation.")
            .WithDescription("Returns the record as the failover or failback answered it, with the RTO numbers a drill measured since. 404 for an unknown id. Any role may read it.")
            .ProducesProblem(StatusCodes.Status404NotFound);

        dr.MapEmergencyStopGroup().MapPost("/failover", Failover)
            .WithName("Failover")
            .WithSummary("Promote the other region: fence the writer, capture what DR lacks, stop DR's subscription, grant it writes, switch the routing.")
            .WithDescription("Answers 200 with the failover: FailoverId, FromRegion, ToRegion, StartedAt, CompletedAt, Fenced (and how), RpoTransactions, RpoAmount, RpoTransferIds and the stranded transfers, LagBytesAtFault, the mode. Works with the writer's database healthy (a planned switchover, which waits for DR to catch up), stopped or hung. Only a region that replicates from the writer is promoted: 409 for a stale copy (use /dr/failback). 409 with the measured loss when the replica lacks acknowledged transfers, lags more than Dr:MaxPromotionLagBytes, or its loss cannot be measured (the writer's database does not answer, async mode), unless the body says \"AcceptDataLoss\": true. 409 while another failover or failback runs or one cut short is not taken over yet; 503 with Retry-After when it could not be done safely (the writer is the writer again), when the DR journal (chaosdb) does not answer before anything changed, or when this replica lost its lease mid-way (the replica that took it over finishes or undoes it). Each step is written to the journal before it runs. The optional body gives a Reason and StepPauseSeconds (0 to 10: a wait after each step is recorded, a rehearsal's slow motion). Needs an operator or admin key; never rate limited; audited without waiting on the audit database.")
            .Accepts<FailoverRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);

        var administer = dr.MapAdministerGroup();
        administer.MapPost("/failback", Failback)
            .WithName("Failback")
            .WithSummary("Bring the writer home: reconcile stranded transfers, rebuild region A from region B, verify checksums, resubscribe DR, switch back.")
            .WithDescription("Answers 200 with the failback: the reconciliation of everything region A holds that the writer lacks (accounts by id, transfers by id and Idempotency-Key, each posted through the ledger under its key), ChecksumsEqual and the checksum. 409 listing them (unreconciled) when any cannot be posted — region A is then not rebuilt and the writer stays; 409 when region A is the writer already or another failover runs; 503 with Retry-After when region A's database does not answer or a step failed (region B stays the writer). Needs an admin key.")
            .Accepts<FailoverRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        administer.MapPost("/reconcile", Reconcile)
            .WithName("ReconcileStranded")
            .WithSummary("Re-apply the last failover's stranded transfers to the active region, each once under its Idempotency-Key.")
            .WithDescription("Answers 200 with the last failover and its Reconciliation: posted, already-present, manual-review (with the ledger's reason) or failed (safe to reconcile again). 404 when there was no failover; 409 while a failover or failback runs. Needs an admin key.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return dr;
    }

    public static async Task<Ok<DrState>> GetState(
        DrStateStore store, ReplicationModeReader modes, DrReplicationReader replication, CancellationToken cancellationToken)
    {
        var routing = await store.ReadRoutingAsync();
        var (replicating, issue) = await replication.ReadAsync(routing, cancellationToken);
        var failover = (await store.ListAsync(1, FailoverKinds.Failover)) is [var lastFailover, ..] ? lastFailover : null;
        var failback = (await store.ListAsync(1, FailoverKinds.Failback)) is [var lastFailback, ..] ? lastFailback : null;
        return TypedResults.Ok(new DrState(
            routing.ActiveRegion, routing.Epoch, routing.Switching, routing.ChangedAt, await modes.ReadAsync(routing.ActiveRegion, cancellationToken),
            await store.LockHolderAsync(), failover?.FailoverId, failover?.FromRegion, failover?.ToRegion, failover?.StartedAt, failover?.CompletedAt,
            failover?.Fenced, failover?.RpoTransactions, failover?.RpoAmount, failover?.RpoTransferIds, failover?.LagBytesAtFault,
            failover?.RtoPromotionSeconds, replicating, issue, failover, failback));
    }

    public static async Task<Results<Ok<FailoverRecord[]>, ValidationProblem>> List(DrStateStore store, int limit = DefaultLimit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {MaxLimit}."] });
        }

        return TypedResults.Ok((await store.ListAsync(limit)).ToArray());
    }

    public static async Task<Results<Ok<FailoverRecord>, ProblemHttpResult>> Get(string failoverId, DrStateStore store) =>
        failoverId.Length <= 64 && await store.FindAsync(failoverId) is { } record
            ? TypedResults.Ok(record)
            : TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "No such failover.",
                Detail = $"No failover or failback has id '{failoverId}'.",
            });

    public static Task<Results<Ok<FailoverRecord>, ValidationProblem, ProblemHttpResult>> Failover(
        HttpRequest request, ClaimsPrincipal user, FailoverCoordinator coordinator, HttpResponse response) =>
        RunAsync(request, user, response, coordinator.FailoverAsync);

    public static Task<Results<Ok<FailoverRecord>, ValidationProblem, ProblemHttpResult>> Failback(
        HttpRequest request, ClaimsPrincipal user, FailbackCoordinator coordinator, HttpResponse response) =>
        RunAsync(request, user, response, coordinator.FailbackAsync);

    public static async Task<Results<Ok<FailoverRecord>, ProblemHttpResult>> Reconcile(
        ClaimsPrincipal user, DrStateStore store, StrandedReconciliation reconciliation, IOptions<DrOptions> options, TimeProvider timeProvider)
    {
        try
        {
            await using var held = await DrLock.TakeAsync(store, FailoverCoordinator.NewId(), options.Value.LockTtl, timeProvider);
            return await reconciliation.ReconcileLastAsync(CommandOf(user, "reconcile on demand")) is { } failover
                ? TypedResults.Ok(failover)
                : TypedResults.Problem(new ProblemDetails
                {
                    Status = StatusCodes.Status404NotFound,
                    Title = "No failover to reconcile.",
                    Detail = "No failover has happened, so no transfer is stranded.",
                });
        }
        catch (DrConflictException conflict)
        {
            return TypedResults.Problem(Conflict(conflict));
        }
    }

    private static async Task<Results<Ok<FailoverRecord>, ValidationProblem, ProblemHttpResult>> RunAsync(
        HttpRequest request, ClaimsPrincipal user, HttpResponse response, Func<FailoverCommand, Task<FailoverRecord>> run)
    {
        var body = await FailoverRequest.ReadAsync(request);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var errors = body.Value!.Validate();
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            return TypedResults.Ok(await run(CommandOf(user, body.Value!.Reason) with
            {
                AcceptDataLoss = body.Value.AcceptDataLoss,
                StepPause = TimeSpan.FromSeconds(body.Value.StepPauseSeconds),
            }));
        }
        catch (DrConflictException conflict)
        {
            return TypedResults.Problem(Conflict(conflict));
        }
        catch (DrLeaseLostException lost)
        {
            return Unavailable(response, "Taken over: this replica lost its lease mid-way.", lost.Message, lost.Holder, record: null);
        }
        catch (DrUnavailableException unavailable)
        {
            return Unavailable(response, "Not done: it could not be done safely now.", unavailable.Message, unavailable.Record?.FailoverId, unavailable.Record);
        }
    }

    private static ProblemHttpResult Unavailable(HttpResponse response, string title, string detail, string? failoverId, FailoverRecord? record)
    {
        response.Headers.RetryAfter = RetryAfterSeconds;
        return TypedResults.Problem(new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = title,
            Detail = detail,
            Extensions = { ["failoverId"] = failoverId, ["failover"] = record },
        });
    }

    private static ProblemDetails Conflict(DrConflictException conflict) => new()
    {
        Status = StatusCodes.Status409Conflict,
        Title = "The DR state does not allow it now.",
        Detail = conflict.Message,
        Extensions =
        {
            ["runningFailoverId"] = conflict.RunningFailoverId,
            ["failoverId"] = conflict.Record?.FailoverId,
            ["unreconciled"] = conflict.Record?.Unreconciled,
            ["failover"] = conflict.Record,
        },
    };

    private static FailoverCommand CommandOf(ClaimsPrincipal user, string? reason) =>
        new(reason, user.FindFirst(ApiKeyAuthenticationHandler.KeyIdClaim)?.Value, user.FindFirst(ClaimTypes.Role)?.Value);
}
