using System.Security.Claims;
using System.Text.RegularExpressions;
using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.Manager.Drills.Reports;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>
/// Running drills: start (operator; fails closed on its audit, like enabling chaos), list and read runs and their
/// reports (any role), abort (operator; never rate limited, never waiting on the audit database, as the emergency
/// stop).
/// </summary>
public static partial class DrillRunsApi
{
    public const int DefaultLimit = 20;
    public const int MaxLimit = 200;
    private const int MaxRunIdLength = 64;

    public static IEndpointRouteBuilder MapDrillRunsApi(this IEndpointRouteBuilder drills)
    {
        drills.MapStartGroup().MapPost("/{name}/runs", Start)
            .WithName("StartDrillRun")
            .WithSummary("Run a drill: 201 with the run (its id in RunId); the body, optional, overrides DurationSeconds and RatePerSecond.")
            .WithDescription("Starts the drill in the background and answers with the pending run. The optional JSON body overrides the run's DurationSeconds and its workload's RatePerSecond within the configured bounds; unknown fields are refused. 404 for an unknown drill; 409 while the drill's target has a run going (the problem names it) or while the halt is engaged. Needs an operator or admin key; rate limited and audited, and refused when it cannot be audited.")
            .Accepts<DrillOverrides>("application/json")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        var view = drills.MapViewGroup();
        view.MapGet("/runs", List)
            .WithName("ListDrillRuns")
            .WithSummary("The newest drill runs (limit, 1 to 200, default 20).")
            .WithDescription("Returns the newest runs first, each with its drill, target, state and reason, parameters, who started it and when. Any role may read them.");
        view.MapGet("/runs/{runId}", Get)
            .WithName("GetDrillRun")
            .WithSummary("One run: its State and reason, steps and checks so far, owner and lease.")
            .WithDescription("Returns the run with its State (pending, running, passed, failed, aborted) and the reason, its steps and hypothesis checks so far, the experiments it has on, and the manager replica that owns it with its lease. 404 for an unknown run. Any role may read it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        view.MapGet("/runs/{runId}/report", Report)
            .WithName("GetDrillRunReport")
            .WithSummary("The run's evidence as JSON: timeline, hypothesis, invariants, verdict, audit chain heads.")
            .WithDescription("Returns the drill, who ran it and with which parameters, the per-second workload timeline, chaos bands, steps, checks, money invariants with their evidence, the verdict and reason, and the audit chain head at start and end. While the run goes on it holds the evidence so far. 404 for an unknown run. Any role may read it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        view.MapGet("/runs/{runId}/report.html", ReportHtml)
            .WithName("GetDrillRunReportHtml")
            .WithSummary("The run's report as one self-contained HTML page with its timeline drawn.")
            .WithDescription("The same evidence as /report, as an HTML page without external assets that draws the timeline as an inline SVG chart; print it or attach it to the drill's record. 404 for an unknown run. Any role may read it.")
            .Produces<string>(StatusCodes.Status200OK, "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);

        drills.MapEmergencyStopGroup().MapPost("/runs/{runId}/abort", Abort)
            .WithName("AbortDrillRun")
            .WithSummary("Abort a run: its owner stops it within a second, rolls it back and marks it aborted.")
            .WithDescription("Signals the run's owner through Redis (and stops it at once if this replica owns it); the owner stops the method and the workload, turns off every experiment the run enabled, runs the drill's rollback and marks the run aborted with the reason. 202 with the run as it was (without it while the control plane's database is unavailable: the abort still goes out through Redis); 404 for an unknown run; 409 when it has ended already. Needs an operator or admin key; never rate limited.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return drills;
    }

    public static async Task<Results<Created<DrillRun>, ValidationProblem, ProblemHttpResult>> Start(
        string name, HttpRequest request, ClaimsPrincipal user, DrillCatalog catalog, DrillRunner runner, IOptions<DrillOptions> options,
        CancellationToken cancellationToken)
    {
        if (catalog.Find(name) is not { } drill)
        {
            return TypedResults.Problem(DrillsApi.NoSuchDrill(name));
        }

        var body = await DrillOverrides.ReadAsync(request);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var errors = DrillOverrides.Validate(body.Value!, drill, options.Value);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        try
        {
            var run = await runner.StartAsync(drill, body.Value!, user, cancellationToken);
            return TypedResults.Created($"/drills/runs/{run.RunId}", run);
        }
        catch (DrillRunConflictException conflict)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The target has a drill run going.",
                Detail = conflict.Running is { } running
                    ? $"Target '{conflict.Target}' has run {running.RunId} of drill '{running.Drill}' ({running.State}, started by '{running.StartedBy}'); at most one run per target. Abort it (POST /drills/runs/{running.RunId}/abort) or wait for it to end."
                    : $"Target '{conflict.Target}' has a drill run going; at most one run per target.",
                Extensions = { ["runningRunId"] = conflict.Running?.RunId },
            });
        }
        catch (ChaosHaltedException)
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Chaos is halted.",
                Detail = "The halt is engaged: no drill may start until an admin lifts it (DELETE /chaos/halt).",
            });
        }
    }

    public static async Task<Results<Ok<DrillRunList>, ValidationProblem>> List(DrillRunStore store, CancellationToken cancellationToken, int limit = DefaultLimit)
    {
        if (limit is < 1 or > MaxLimit)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = [$"From 1 to {MaxLimit}."] });
        }

        var runs = await store.ListAsync(limit, cancellationToken);
        return TypedResults.Ok(new DrillRunList(runs.Count, runs));
    }

    public static async Task<Results<Ok<DrillRun>, ProblemHttpResult>> Get(string runId, DrillRunStore store, CancellationToken cancellationToken) =>
        await FindAsync(runId, store, cancellationToken) is { } found ? TypedResults.Ok(found.Run) : TypedResults.Problem(NoSuchRun(runId));

    public static async Task<Results<Ok<DrillReport>, ProblemHttpResult>> Report(
        string runId, DrillRunStore store, DrillCatalog catalog, CancellationToken cancellationToken) =>
        await FindAsync(runId, store, cancellationToken) is { } found
            ? TypedResults.Ok(DrillReports.Of(found.Run, found.Evidence, catalog.Find(found.Run.Drill)))
            : TypedResults.Problem(NoSuchRun(runId));

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> ReportHtml(
        string runId, DrillRunStore store, DrillCatalog catalog, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await FindAsync(runId, store, cancellationToken) is not { } found)
        {
            return TypedResults.Problem(NoSuchRun(runId));
        }

        // Self-contained by design; the policy makes sure nothing in it could load or run anything.
        response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";
        return TypedResults.Text(DrillReportHtml.Render(DrillReports.Of(found.Run, found.Evidence, catalog.Find(found.Run.Drill))), "text/html; charset=utf-8");
    }

    public static async Task<Results<Accepted<DrillRun>, Accepted, ProblemHttpResult>> Abort(
        string runId, ClaimsPrincipal user, DrillRunStore store, DrillRunner runner, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!RunIdFormat().IsMatch(runId))
        {
            return TypedResults.Problem(NoSuchRun(runId));
        }

        var signal = new DrillStopSignal(user.Identity?.Name ?? "unknown", timeProvider.GetUtcNow(), "an operator aborted the run");
        (DrillRun Run, DrillRunEvidence Evidence)? found;
        try
        {
            found = await store.GetAsync(runId, cancellationToken);
        }
        catch (Exception ex) when (AuditTrail.IsUnavailable(ex))
        {
            // Stopping never waits on the control plane's database: the owner hears the abort through Redis.
            await runner.AbortAsync(runId, signal);
            return TypedResults.Accepted($"/drills/runs/{runId}");
        }

        if (found is not { Run: var run })
        {
            return TypedResults.Problem(NoSuchRun(runId));
        }

        if (!DrillRunStates.IsActive(run.State))
        {
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "The run has ended.",
                Detail = $"Run {runId} ended {run.State} at {run.EndedAt:u}: {run.Reason}",
            });
        }

        await runner.AbortAsync(runId, signal);
        return TypedResults.Accepted($"/drills/runs/{runId}", run);
    }

    private static async Task<(DrillRun Run, DrillRunEvidence Evidence)?> FindAsync(string runId, DrillRunStore store, CancellationToken cancellationToken) =>
        RunIdFormat().IsMatch(runId) ? await store.GetAsync(runId, cancellationToken) : null;

    /// <summary>What <see cref="DrillRunner"/> makes: anything else is no run, and never becomes a Redis key.</summary>
    [GeneratedRegex("^run-[0-9a-f]{32}$")]
    private static partial Regex RunIdFormat();

    private static ProblemDetails NoSuchRun(string runId) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such drill run.",
        Detail = $"No drill run has id '{(runId.Length <= MaxRunIdLength ? runId : runId[..MaxRunIdLength] + "…")}'. GET /drills/runs lists them.",
    };
}
