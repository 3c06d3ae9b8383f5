using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Infrastructure;
using AtlasBank.Chaos.Manager.Safety;
using AtlasBank.Chaos.Manager.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>The chaos control API, exactly as the spec writes it.</summary>
public static class ChaosApi
{
    public static IEndpointRouteBuilder MapChaosApi(this IEndpointRouteBuilder chaos)
    {
        var view = chaos.MapViewGroup();
        view.MapGet("/list", List)
            .WithName("ListChaos")
            .WithSummary("Every active chaos experiment.")
            .WithDescription("Returns every active chaos experiment with its mode, failure rate, delay, retry count, target and lease expiry (ExpiresAt). Any role may read it.");
        view.MapGet("/stats", Stats)
            .WithName("ChaosStats")
            .WithSummary("Inject statistics per service and in total, shared by every manager replica.")
            .WithDescription("Returns inject counts, successes, failures, injected faults and latency and the success rate, per service and in total. The counters live in Redis, so every manager replica reports the same numbers. Any role may read them.");

        var start = chaos.MapStartGroup();
        start.MapPost("/enable", Enable)
            .Accepts<EnableChaosRequest>(JsonBody.ContentTypes[0], JsonBody.ContentTypes[1..])
            .WithName("EnableChaos")
            .WithSummary("Enable latency or failure chaos for a service, with a lease (DurationSeconds).")
            .WithDescription("Any Content-Type is read as JSON, so the spec's curl calls work with or without -H 'Content-Type: application/json'.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        var stop = chaos.MapStopGroup();
        stop.MapPost("/disable", Disable)
            .Accepts<string>(JsonBody.ContentTypes[0], JsonBody.ContentTypes[1..])
            .WithName("DisableChaos")
            .WithSummary("Disable chaos for a service: the body is a JSON string (\"ledger\") or {\"Service\":\"ledger\"}.")
            .WithDescription("Turns off the active chaos experiment of one service. The body is a JSON string (\"ledger\") or {\"Service\":\"ledger\"}; 404 when the service has no active chaos. Needs an operator or admin key; rate limited and audited.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        start.MapPost("/bulk-enable", BulkEnable)
            .Accepts<EnableChaosRequest[]>(JsonBody.ContentTypes[0], JsonBody.ContentTypes[1..])
            .WithName("BulkEnableChaos")
            .WithSummary("Enable several experiments at once: all are valid and applied, or none is.")
            .WithDescription("Enables up to MaxBulkItems experiments in one request. Every item is validated first (errors name the item, e.g. [2].Service) and the experiments are applied together or not at all; 409 while the halt is engaged. Needs an operator or admin key; rate limited and audited.")
            .ProducesProblem(StatusCodes.Status409Conflict);
        stop.MapPost("/bulk-disable", BulkDisable)
            .Accepts<string[]>(JsonBody.ContentTypes[0], JsonBody.ContentTypes[1..])
            .WithName("BulkDisableChaos")
            .WithSummary("Disable chaos for several services (a JSON array of names).")
            .WithDescription("Turns off chaos for each service in a JSON array of names and reports which were disabled and which had no active chaos (not an error). Needs an operator or admin key; rate limited and audited.");

        chaos.MapProbeGroup().MapGet("/inject", Inject)
            .WithName("InjectChaos")
            .WithSummary("Call the service's target through its chaos strategies with RetryCount retries; report what happened.")
            .WithDescription("Calls the service's target through its active chaos strategies with the experiment's RetryCount retries and reports what happened: attempts, injected faults and latency, and whether the call finally succeeded. 404 when the service has no active chaos. Needs an operator or admin key; rate limited per key (InjectPerSecond).")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return chaos;
    }

    public static async Task<Results<Ok<ChaosExperiment>, ValidationProblem, ProblemHttpResult>> Enable(
        HttpRequest request, ChaosServices services)
    {
        var body = await JsonBody.ReadAsync<EnableChaosRequest>(request);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ChaosRequestValidator.Validate(body.Value!, services.Options, services.Targets, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var experiment = ToExperiment(body.Value!, services);
        return await EnableUnlessHaltedAsync(services, [experiment]) is { } halted ? halted : TypedResults.Ok(experiment);
    }

    public static async Task<Results<Ok<BulkEnableResult>, ValidationProblem, ProblemHttpResult>> BulkEnable(
        HttpRequest request, ChaosServices services)
    {
        var body = await JsonBody.ReadAsync<EnableChaosRequest[]>(request, JsonBody.DefaultMaxBytes * 4);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var items = body.Value!;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ChaosRequestValidator.ValidateBulk(items, services.Options, services.Targets, errors);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var experiments = items.Select(item => ToExperiment(item, services)).ToArray();
        return await EnableUnlessHaltedAsync(services, experiments) is { } halted
            ? halted
            : TypedResults.Ok(new BulkEnableResult(experiments.Length, experiments));
    }

    public static async Task<Results<Ok<DisableResult>, ValidationProblem, ProblemHttpResult>> Disable(
        HttpRequest request, ChaosServices services)
    {
        var body = await JsonBody.ReadAsync<JsonElement>(request);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var service = body.Value.ValueKind switch
        {
            JsonValueKind.String => body.Value.GetString(),
            JsonValueKind.Object => ServiceOf(body.Value),
            _ => null,
        };
        service = ChaosRequestValidator.NormalizeServiceName(service);
        if (!ChaosRequestValidator.IsValidServiceName(service))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["Service"] = ["Send the service name as a JSON string (\"ledger\") or as {\"Service\":\"ledger\"}. " + ChaosRequestValidator.ServiceNameRule],
            });
        }

        var disabled = await services.Store.DisableAsync([service!]);
        services.Metrics.Disabled(disabled);
        return disabled.Count == 1
            ? TypedResults.Ok(new DisableResult(service!, Disabled: true))
            : NotActive(service!);
    }

    public static async Task<Results<Ok<BulkDisableResult>, ValidationProblem, ProblemHttpResult>> BulkDisable(
        HttpRequest request, ChaosServices services)
    {
        var body = await JsonBody.ReadAsync<string?[]>(request, JsonBody.DefaultMaxBytes * 4);
        if (!body.IsValid)
        {
            return body.Problem!;
        }

        var names = body.Value!.Select(ChaosRequestValidator.NormalizeServiceName).ToArray();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (names.Length == 0 || names.Length > services.Options.MaxBulkItems)
        {
            errors["body"] = [$"Send 1 to {services.Options.MaxBulkItems} service names."];
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (!ChaosRequestValidator.IsValidServiceName(names[i]))
            {
                errors[$"[{i}]"] = [ChaosRequestValidator.ServiceNameRule];
            }
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var distinct = names.Select(name => name!).Distinct(StringComparer.Ordinal).ToArray();
        var disabled = await services.Store.DisableAsync(distinct);
        services.Metrics.Disabled(disabled);
        return TypedResults.Ok(new BulkDisableResult(disabled, [.. distinct.Except(disabled, StringComparer.Ordinal)]));
    }

    public static async Task<Ok<ChaosList>> List(ChaosServices services)
    {
        var experiments = await services.Store.ListAsync();
        return TypedResults.Ok(new ChaosList(experiments.Count, experiments));
    }

    public static async Task<Results<Ok<InjectResult>, ValidationProblem, ProblemHttpResult>> Inject(
        string? service, ChaosServices services, CancellationToken cancellationToken)
    {
        service = ChaosRequestValidator.NormalizeServiceName(service);
        if (!ChaosRequestValidator.IsValidServiceName(service))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["service"] = ["Required query parameter: " + ChaosRequestValidator.ServiceNameRule],
            });
        }

        if (await services.Store.GetAsync(service!) is not { } experiment)
        {
            return NotActive(service!);
        }

        var result = await services.Injector.InjectAsync(experiment, cancellationToken);
        await services.Store.RecordInjectAsync(experiment, result);
        services.Metrics.Injected(result);
        return TypedResults.Ok(result);
    }

    public static async Task<Ok<ChaosStatsResponse>> Stats(ChaosServices services)
    {
        var (total, perService) = await services.Store.GetStatsAsync();
        services.Metrics.Update(perService);
        return TypedResults.Ok(new ChaosStatsResponse(ChaosStatsView.From(total), [.. perService.Select(ChaosStatsView.From)]));
    }

    /// <summary>Enables, or answers 409 when the halt is engaged (checked inside the Redis transaction too).</summary>
    private static async Task<ProblemHttpResult?> EnableUnlessHaltedAsync(ChaosServices services, ChaosExperiment[] experiments)
    {
        try
        {
            await services.Store.EnableAsync(experiments);
            services.Metrics.Enabled(experiments);
            return null;
        }
        catch (ChaosHaltedException)
        {
            var halt = await services.Store.GetHaltAsync();
            return TypedResults.Problem(new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Chaos is halted.",
                Detail = $"The halt was engaged by '{halt?.EngagedBy}' at {halt?.EngagedAt:u}{(halt?.Reason is { } reason ? $" ({reason})" : string.Empty)}. An admin must lift it (DELETE /chaos/halt) before chaos can be enabled.",
            });
        }
    }

    private static ChaosExperiment ToExperiment(EnableChaosRequest request, ChaosServices services) =>
        ChaosExperiments.From(request, services.TimeProvider.GetUtcNow(), request.DurationSeconds ?? services.Options.DefaultDurationSeconds);

    private static string? ServiceOf(JsonElement body)
    {
        string? service = null;
        foreach (var property in body.EnumerateObject())
        {
            if (!property.NameEquals("Service") && !string.Equals(property.Name, "service", StringComparison.OrdinalIgnoreCase))
            {
                return null; // unknown fields are refused, as everywhere else
            }

            service = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
        }

        return service;
    }

    private static ProblemHttpResult NotActive(string service) => TypedResults.Problem(new ProblemDetails
    {
        Status = StatusCodes.Status404NotFound,
        Title = "No active chaos for this service.",
        Detail = $"Service '{service}' has no active chaos experiment (never enabled, disabled, or its lease ran out).",
    });
}
