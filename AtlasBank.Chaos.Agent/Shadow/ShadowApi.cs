using AtlasBank.Chaos.Contracts.Shadow;
using AtlasBank.Chaos.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Agent.Shadow;

public sealed record ShadowStats(
    string Source, string Destination, double Rate, double WindowSeconds, ShadowCounts Window, long Dropped, long ProcessedByThisReplica);

public sealed record DriftHistory(DriftReport? Latest, IReadOnlyList<DriftReport> History);

/// <summary>What the agent knows: current statistics, recent comparisons, drift history.</summary>
public static class ShadowApi
{
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapShadowApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/shadow").WithTags("Shadow traffic").RequireAuthorization(ChaosPolicies.View);
        api.MapGet("/stats", GetStats).WithName("ShadowStats").WithSummary("Verdict counts over the window, drops, configuration.");
        api.MapGet("/comparisons", GetComparisons).WithName("ShadowComparisons").WithSummary("The newest comparisons, optionally of one verdict.");
        api.MapGet("/comparisons/{id}", GetComparison).WithName("ShadowComparison").WithSummary("One comparison with its differing JSON paths.");
        api.MapGet("/drift", GetDrift).WithName("DriftHistory").WithSummary("The latest drift validation and its history (24 h).");
        return app;
    }

    public static async Task<Ok<ShadowStats>> GetStats(ShadowStore store, ShadowWorker worker, IOptions<ShadowOptions> options)
    {
        var settings = options.Value;
        return TypedResults.Ok(new ShadowStats(settings.Source, settings.Destination, settings.Rate, settings.Window.TotalSeconds,
            await store.CountsAsync(settings.Window), await store.DroppedAsync(), worker.Processed));
    }

    public static async Task<Results<Ok<IReadOnlyList<ShadowComparison>>, ValidationProblem>> GetComparisons(
        ShadowStore store, string? verdict, int limit = 50)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (verdict is not null && !Verdicts.All.Contains(verdict, StringComparer.Ordinal))
        {
            errors["verdict"] = [$"One of: {string.Join(", ", Verdicts.All)}."];
        }

        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"From 1 to {MaxLimit}."];
        }

        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await store.RecentAsync(verdict, limit));
    }

    public static async Task<Results<Ok<ShadowComparison>, ProblemHttpResult>> GetComparison(ShadowStore store, string id) =>
        id.Length <= 64 && await store.GetAsync(id) is { } comparison
            ? TypedResults.Ok(comparison)
            : TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status404NotFound,
                Title = "Comparison not found.",
                Detail = "No comparison has this id, or it is older than its 24 h retention.",
            });

    public static async Task<Ok<DriftHistory>> GetDrift(ShadowStore store, int limit = 288) =>
        TypedResults.Ok(new DriftHistory(await store.LatestReportAsync(), await store.HistoryAsync(Math.Clamp(limit, 1, 10_000))));
}
