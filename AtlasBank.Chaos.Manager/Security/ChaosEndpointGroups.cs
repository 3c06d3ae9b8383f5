using AtlasBank.Chaos.Manager.Audit;
using AtlasBank.Chaos.ServiceDefaults.Security;

namespace AtlasBank.Chaos.Manager.Security;

/// <summary>
/// The policies of the chaos API, each carried once by a route group: which role, which rate limit, and whether
/// the operation fails closed on its audit. Every endpoint is mapped on exactly one of them.
/// </summary>
public static class ChaosEndpointGroups
{
    /// <summary>Reads anyone with a key may make: list, stats, the halt's state, one's own audit rows.</summary>
    public static RouteGroupBuilder MapViewGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.View);

    /// <summary>Starting chaos: operators, within the key's change budget, refused when it cannot be audited.</summary>
    public static RouteGroupBuilder MapStartGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate)
            .RequireRateLimiting(RateLimitOptions.ChangePolicy)
            .WithMetadata(new StartsChaosAttribute());

    /// <summary>Stopping chosen chaos: operators, within the key's change budget, never waiting on the audit database.</summary>
    public static RouteGroupBuilder MapStopGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate)
            .RequireRateLimiting(RateLimitOptions.ChangePolicy);

    /// <summary>
    /// The emergency stop and the halt: operators, never rate limited (a key that spent its budget can still stop
    /// everything) and never waiting on the audit database or on other callers.
    /// </summary>
    public static RouteGroupBuilder MapEmergencyStopGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate);

    /// <summary>The inject probe: operators, within the key's inject budget, refused when it cannot be audited.</summary>
    public static RouteGroupBuilder MapProbeGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Operate)
            .RequireRateLimiting(RateLimitOptions.InjectPolicy)
            .WithMetadata(new StartsChaosAttribute());

    /// <summary>Lifting the halt, which lets chaos start again: admins only, within the change budget, fails closed.</summary>
    public static RouteGroupBuilder MapAdministerGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Administer)
            .RequireRateLimiting(RateLimitOptions.ChangePolicy)
            .WithMetadata(new StartsChaosAttribute());

    /// <summary>Reads only an admin may make.</summary>
    public static RouteGroupBuilder MapAdminViewGroup(this IEndpointRouteBuilder chaos) =>
        chaos.MapGroup(string.Empty).RequireAuthorization(ChaosPolicies.Administer);
}
