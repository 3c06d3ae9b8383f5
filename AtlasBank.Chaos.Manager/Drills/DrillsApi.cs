using AtlasBank.Chaos.Manager.OpenApi;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>The drill definitions, read-only: any role may read them. Running them is <see cref="Runs.DrillRunsApi"/>.</summary>
public static class DrillsApi
{
    public static IEndpointRouteBuilder MapDrillsApi(this IEndpointRouteBuilder drills)
    {
        // Served from the definitions loaded at start: no dependency can make these answer 503.
        var view = drills.MapViewGroup().WithMetadata(new ServedFromMemoryAttribute());
        view.MapGet(string.Empty, List)
            .WithName("ListDrills")
            .WithSummary("Every drill definition: the built-ins and the operator's folder.")
            .WithDescription("Returns every drill the manager loaded at start, ordered by Name: its objective, target, default duration, hypothesis (probes with tolerances), method (ordered steps), abort conditions and rollback. Any role may read them.");
        view.MapGet("/{name}", Get)
            .WithName("GetDrill")
            .WithSummary("One drill definition by its Name.")
            .WithDescription("Returns the drill definition called name, as loaded at start; 404 when there is no such drill. Any role may read it.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return drills;
    }

    public static Ok<IReadOnlyList<DrillDefinition>> List(DrillCatalog catalog) => TypedResults.Ok(catalog.All);

    public static Results<Ok<DrillDefinition>, ProblemHttpResult> Get(string name, DrillCatalog catalog) =>
        catalog.Find(name) is { } drill ? TypedResults.Ok(drill) : TypedResults.Problem(NoSuchDrill(name));

    public static ProblemDetails NoSuchDrill(string name) => new()
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No such drill.",
        Detail = $"No drill is called '{(name.Length <= DrillDefinition.MaxNameLength ? name : name[..DrillDefinition.MaxNameLength] + "…")}'. GET /drills lists them.",
    };
}
