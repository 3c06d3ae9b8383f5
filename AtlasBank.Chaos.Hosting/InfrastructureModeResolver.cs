namespace AtlasBank.Chaos.Hosting;

/// <summary>Turns <c>Infra:Mode</c> into a concrete mode, probing the container runtime for <c>auto</c>.</summary>
public static class InfrastructureModeResolver
{
    public const string ConfigurationKey = "Infra:Mode";

    // Measured here: with an unhealthy Docker, the Aspire container resources make the AppHost hang silently.
    // A bounded probe turns that into a fast, explained fallback.
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    public static async Task<InfrastructureMode> ResolveAsync(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey] ?? nameof(InfrastructureMode.Auto);
        if (!Enum.TryParse<InfrastructureMode>(configured, ignoreCase: true, out var mode) || !Enum.IsDefined(mode))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is '{configured}'; use one of: auto, containers, processes.");
        }

        if (mode != InfrastructureMode.Auto)
        {
            return mode;
        }

        if (builder.ExecutionContext.IsPublishMode)
        {
            return InfrastructureMode.Containers;
        }

        if (await ContainerRuntimeAnswersAsync(builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? "docker"))
        {
            return InfrastructureMode.Containers;
        }

        var (_, problem) = await LocalBinaries.FindAsync(builder.Configuration);
        if (problem is not null)
        {
            throw new InvalidOperationException(
                $"No container runtime answered and {problem}. {LocalBinaries.InstallHint}");
        }

        return InfrastructureMode.Processes;
    }

    private static async Task<bool> ContainerRuntimeAnswersAsync(string runtime)
    {
        var result = await ExternalCommand.RunAsync(runtime, ["info", "--format", "{{.ServerVersion}}"], ProbeTimeout);
        return result.Succeeded && !string.IsNullOrWhiteSpace(result.StandardOutput);
    }
}
