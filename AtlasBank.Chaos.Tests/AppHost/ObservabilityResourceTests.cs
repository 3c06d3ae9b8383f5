using AtlasBank.Chaos.Tests.Observability;
using Microsoft.Extensions.Logging.Abstractions;

namespace AtlasBank.Chaos.Tests.AppHost;

/// <summary>
/// The AppHost's model of Prometheus and Grafana in both modes. Containers mode cannot run here (no container engine),
/// so its resources are checked as the orchestrator would be handed them.
/// </summary>
public sealed class ObservabilityResourceTests
{
    [Fact]
    public async Task InContainersModePrometheusIsTheOfficialImageOnTheHostNetworkAndGrafanaGetsTheRepositorysDashboards()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(["--Infra:Mode=containers"]);

        var prometheus = Assert.IsType<ContainerResource>(builder.Resources.Single(resource => resource.Name == "prometheus"), exactMatch: false);
        Assert.True(prometheus.TryGetLastAnnotation<ContainerImageAnnotation>(out var image));
        Assert.Equal("prom/prometheus", image.Image);
        var arguments = await ArgumentsAsync(prometheus);
        Assert.Contains("--config.file=/etc/prometheus-atlas/prometheus.yml", arguments);
        var listen = Assert.Single(arguments, argument => argument.StartsWith("--web.listen-address=127.0.0.1:", StringComparison.Ordinal));
        var prometheusPort = Assert.Single(prometheus.Annotations.OfType<EndpointAnnotation>()).Port;
        Assert.EndsWith($":{prometheusPort}", listen, StringComparison.Ordinal);

        var grafana = Assert.IsType<ContainerResource>(builder.Resources.Single(resource => resource.Name == "grafana"), exactMatch: false);
        var mounts = grafana.Annotations.OfType<ContainerMountAnnotation>().ToDictionary(mount => mount.Target, mount => mount.Source!);
        Assert.Equal(ObservabilityFiles.DashboardsFolder, mounts["/var/lib/grafana/dashboards"]);
        Assert.True(Directory.Exists(mounts["/etc/grafana/provisioning"]), mounts["/etc/grafana/provisioning"]);
        var environment = await EnvironmentAsync(grafana);
        Assert.Equal($"http://127.0.0.1:{prometheusPort}", environment["ATLAS_PROMETHEUS_URL"]);
    }

    [Fact]
    public async Task InProcessesModePrometheusIsTheLocalBinaryAndGrafanaIsLeftOut()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AtlasBank_Chaos_AppHost>(["--Infra:Mode=processes"]);

        var prometheus = Assert.IsType<ExecutableResource>(builder.Resources.Single(resource => resource.Name == "prometheus"));
        var arguments = await ArgumentsAsync(prometheus);
        // The binary itself, or (as root) setpriv dropping to the prometheus user before it.
        Assert.Contains("prometheus", arguments.Prepend(prometheus.Command).Select(Path.GetFileName));
        Assert.DoesNotContain(builder.Resources, resource => resource.Name == "grafana");
    }

    private static async Task<List<string>> ArgumentsAsync(IResource resource) =>
        [.. (await ExecutionConfigurationBuilder.Create(resource).WithArgumentsConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), NullLogger.Instance))
            .Arguments.Select(argument => argument.Value)];

    private static async Task<Dictionary<string, string>> EnvironmentAsync(IResource resource) =>
        (await ExecutionConfigurationBuilder.Create(resource).WithEnvironmentVariablesConfig()
            .BuildAsync(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run), NullLogger.Instance))
            .EnvironmentVariables.ToDictionary(variable => variable.Key, variable => variable.Value);
}
