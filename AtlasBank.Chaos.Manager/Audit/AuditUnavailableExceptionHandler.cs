using AtlasBank.Chaos.ServiceDefaults.Errors;

namespace AtlasBank.Chaos.Manager.Audit;

/// <summary>Reading or verifying the audit while its database is away: 503 with <c>Retry-After</c>, never a 500.</summary>
internal sealed class AuditUnavailableExceptionHandler(AuditStore store, IProblemDetailsService problemDetails, ILogger<AuditUnavailableExceptionHandler> logger)
    : DependencyUnavailableExceptionHandler(problemDetails, logger)
{
    protected override string Title => "The audit log is unavailable.";

    protected override string Detail => "The audit database cannot be reached. Nothing was changed; retry later.";

    protected override bool IsUnavailable(Exception exception) => AuditTrail.IsUnavailable(exception);

    protected override void OnUnavailable(Exception exception) => store.DropIdleConnections();
}
