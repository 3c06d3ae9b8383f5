using System.Globalization;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>
/// A real Prometheus that scrapes every replica of the given services with the repository's alert rules loaded —
/// the Debian binary as a local process, or the official image — and, where containers run, a Grafana with the
/// dashboards. Settings: <c>Observability:ScrapeInterval</c> (default 15 s), <c>Observability:Prometheus</c> (the
/// binary; default: <c>prometheus</c> on PATH).
/// </summary>
public static partial class ObservabilityBuilderExtensions
{
    private static readonly TimeSpan DefaultScrapeInterval = TimeSpan.FromSeconds(15);

    /// <summary>Prometheus, run mode only: deployed, the platform's own Prometheus scrapes the services (README: Observability).</summary>
    /// <returns>Where it listens, for Grafana; null when it is not run.</returns>
    public static PrometheusSettings? AddPrometheus(
        this IDistributedApplicationBuilder builder, string name, DataServers servers, params IResourceBuilder<ProjectResource>[] scraped)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return null;
        }

        var jobs = scraped.Select(project => project.Resource.Name).ToArray();
        var folder = new PrometheusFolder(servers.Run.Subdirectory(name));
        var settings = new PrometheusSettings(
            jobs,
            builder.Configuration.GetValue("Observability:ScrapeInterval", DefaultScrapeInterval),
            Path.Combine(builder.AppHostDirectory, "Observability", "prometheus", "rules"),
            LoopbackPort.Free());

        builder.Services.AddHostedService(provider => new ScrapeTargetDiscovery(
            folder, jobs.ToHashSet(StringComparer.Ordinal),
            provider.GetRequiredService<ResourceNotificationService>(), provider.GetRequiredService<ILogger<ScrapeTargetDiscovery>>()));

        if (servers.Mode == InfrastructureMode.Containers)
        {
            builder.AddPrometheusContainer(name, folder, settings);
            return settings;
        }

        var binary = builder.Configuration["Observability:Prometheus"] is { Length: > 0 } configured ? configured : LocalBinaries.FindOnPath("prometheus");
        if (binary is null || !File.Exists(binary))
        {
            SayOnce(builder, "Prometheus was not found (install the 'prometheus' package, or set Observability:Prometheus): the app runs without it.");
            return null;
        }

        builder.AddPrometheusProcess(name, binary, folder, settings);
        return settings;
    }

    /// <summary>Grafana with the dashboards, in containers mode only (there is no Grafana binary to run as a process).</summary>
    public static void AddGrafana(this IDistributedApplicationBuilder builder, string name, DataServers servers, PrometheusSettings? prometheus)
    {
        if (!builder.ExecutionContext.IsRunMode || prometheus is null)
        {
            return;
        }

        if (servers.Mode == InfrastructureMode.Containers)
        {
            builder.AddGrafanaContainer(name, prometheus);
            return;
        }

        SayOnce(builder, "Grafana runs only in containers mode (no Grafana binary here): skipped. Import AtlasBank.Chaos.AppHost/Observability/grafana/dashboards into your Grafana.");
    }

    private static void AddPrometheusProcess(this IDistributedApplicationBuilder builder, string name, string binary, PrometheusFolder folder, PrometheusSettings settings)
    {
        string[] arguments = [.. settings.ServerArguments(folder.ConfigFile, folder.DataDirectory)];

        // As root, Prometheus runs as its own unprivileged user (the Debian package creates 'prometheus').
        var user = Environment.IsPrivilegedProcess ? PrometheusUser() : null;
        var prometheus = user is null
            ? builder.AddResource(new ExecutableResource(name, binary, folder.Path)).WithArgs(arguments)
            : builder.AddResource(new ExecutableResource(name, "setpriv", folder.Path))
                .WithArgs([$"--reuid={user}", $"--regid={user}", "--init-groups", "--", binary, .. arguments]);
        prometheus.WithPrometheusServer(settings, async cancellationToken =>
        {
            await folder.PrepareAsync(settings, cancellationToken);
            if (user is not null)
            {
                await folder.GiveToAsync(user, cancellationToken);
            }
        });
    }

    private static void AddPrometheusContainer(this IDistributedApplicationBuilder builder, string name, PrometheusFolder folder, PrometheusSettings settings)
    {
        const string mount = "/etc/prometheus-atlas";
        builder.AddContainer(name, "prom/prometheus", "v2.53.0")
            .WithBindMount(folder.Path, mount)
            // The host's network: the targets are each replica's own loopback address, as in processes mode.
            .WithContainerRuntimeArgs("--network=host")
            .WithArgs([.. settings.ServerArguments($"{mount}/{PrometheusFolder.ConfigFileName}", $"{mount}/data")])
            .WithPrometheusServer(settings, cancellationToken => folder.PrepareAsync(settings, cancellationToken));
    }

    private static void WithPrometheusServer<T>(this IResourceBuilder<T> prometheus, PrometheusSettings settings, Func<CancellationToken, Task> prepare)
        where T : IResourceWithEndpoints =>
        prometheus
            .WithHttpEndpoint(port: settings.Port, targetPort: settings.Port, name: "http", isProxied: false)
            .WithUrlForEndpoint("http", url => url.DisplayText = "Prometheus")
            .WithHttpHealthCheck("/-/ready")
            .WithIconName("DataArea")
            .OnBeforeResourceStarted((_, _, cancellationToken) => prepare(cancellationToken))
            .ExcludeFromManifest();

    private static void AddGrafanaContainer(this IDistributedApplicationBuilder builder, string name, PrometheusSettings prometheus)
    {
        var grafana = Path.Combine(builder.AppHostDirectory, "Observability", "grafana");
        var port = LoopbackPort.Free();
        var adminPassword = builder.AddParameter("grafana-password", secret: true);
        builder.AddContainer(name, "grafana/grafana", "11.2.0")
            .WithContainerRuntimeArgs("--network=host")
            .WithBindMount(Path.Combine(grafana, "provisioning"), "/etc/grafana/provisioning", isReadOnly: true)
            .WithBindMount(Path.Combine(grafana, "dashboards"), "/var/lib/grafana/dashboards", isReadOnly: true)
            .WithEnvironment("GF_SERVER_HTTP_ADDR", "127.0.0.1")
            .WithEnvironment("GF_SERVER_HTTP_PORT", port.ToString(CultureInfo.InvariantCulture))
            .WithEnvironment("GF_SECURITY_ADMIN_PASSWORD", adminPassword)
            // The provisioned datasource reads it ($ATLAS_PROMETHEUS_URL).
            .WithEnvironment("ATLAS_PROMETHEUS_URL", $"http://{prometheus.Address}")
            .WithHttpEndpoint(port: port, targetPort: port, name: "http", isProxied: false)
            .WithUrlForEndpoint("http", url => url.DisplayText = "Grafana")
            .WithHttpHealthCheck("/api/health")
            .ExcludeFromManifest();
    }

    private static string PrometheusUser() =>
        File.ReadLines("/etc/passwd").Any(line => line.StartsWith("prometheus:", StringComparison.Ordinal)) ? "prometheus" : "nobody";

    private static void SayOnce(IDistributedApplicationBuilder builder, string message) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((start, _) =>
        {
            LogSkipped(start.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ObservabilityBuilderExtensions).FullName!), message);
            return Task.CompletedTask;
        });

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Message}")]
    private static partial void LogSkipped(ILogger logger, string message);
}
