using AtlasBank.Chaos.Manager.Audit;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>
/// The policies of the chaos API, each carried once by a route group: which role, which rate limit, and whether
/// the audit must be written before the change is applied. Every endpoint is mapped on exactly one of them.
/// </summary>
public static class ChaosEndpointGroups
{
    /// <summary>Reads anyone with a key may make: list, stats, the halt's state, one's own audit rows.</summary>
    public static RouteGroupBuilder MapViewGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.View);

    /// <summary>Changes of chaos state by operators: within the key's change budget, audited or not applied.</summary>
    public static RouteGroupBuilder MapOperateGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate)
            .RequireRateLimiting(RateLimitOptions.ChangePolicy)
            .WithMetadata(new AuditedChangeAttribute());

    /// <summary>The inject probe: operators, within the key's inject budget.</summary>
    public static RouteGroupBuilder MapProbeGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate)
            .RequireRateLimiting(RateLimitOptions.InjectPolicy);

    /// <summary>Changes only an admin may make: within the key's change budget, audited or not applied.</summary>
    public static RouteGroupBuilder MapAdministerGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Administer)
            .RequireRateLimiting(RateLimitOptions.ChangePolicy)
            .WithMetadata(new AuditedChangeAttribute());

    /// <summary>Reads only an admin may make.</summary>
    public static RouteGroupBuilder MapAdminViewGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Administer);
}
