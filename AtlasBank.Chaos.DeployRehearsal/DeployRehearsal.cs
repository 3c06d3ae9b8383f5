using System.Security.Cryptography;
using System.Text;
using AtlasBank.Chaos.Hosting;
using Microsoft.Extensions.Configuration;

namespace AtlasBank.Chaos.DeployRehearsal;

/// <summary>What the rehearsal is given: the repository, the build configuration, and values azd would prompt for.</summary>
public sealed record RehearsalOptions(string RepositoryRoot, string Configuration, string RunDirectory)
{
    /// <summary>How long the whole app may take to be healthy, and a drill or a switch to end.</summary>
    public TimeSpan StepBound { get; init; } = TimeSpan.FromMinutes(4);

    /// <summary>The short nightly drill's duration.</summary>
    public int DrillSeconds { get; init; } = 20;
}

/// <summary>
/// Publishes the manifest, starts the whole app from it alone (no AppHost process), and checks it as a deployment would
/// be checked: every service healthy, the spec's chaos curls, a short <c>nightly</c> drill that passes, a failover and
/// a failback. Every step is written to <paramref name="say"/>; the first that fails throws, naming what is missing.
/// </summary>
public sealed class DeployRehearsal(RehearsalOptions options, Action<string> say)
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.RunDirectory);
        var manifestPath = Path.Combine(options.RunDirectory, "manifest", "aspire-manifest.json");
        await PublishAsync(manifestPath, cancellationToken);
        var manifest = AspireManifest.Load(manifestPath);

        // What azd would prompt for: the audit chain's key, and the hash of an admin key the deployer keeps.
        var adminKey = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var prompted = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["chaos-audit-key"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
            ["chaos-api-key-hash"] = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(adminKey))),
        };
        var values = new DeploymentValues(manifest, prompted);
        var (binaries, problem) = await LocalBinaries.FindAsync(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        if (binaries is null)
        {
            throw new RehearsalException($"no local servers to play the containers: {problem}");
        }

        var running = new List<PlayedProcess>();
        try
        {
            // The services first, then the servers, the provisioning last: a deployment orders nothing, so each service
            // must wait, unready, for servers that do not answer yet and then for the provisioning's version.
            foreach (var project in manifest.OfType("project.v0").Where(project => project != RehearsalChecks.Provisioning))
            {
                running.Add(StartProject(project, manifest, values));
                say($"started {project} from its build output with the manifest's {manifest.EnvironmentOf(project).Count} variables");
            }

            foreach (var container in manifest.OfType("container.v0"))
            {
                running.Add(await ContainerStandIns.StartAsync(container, manifest, values, binaries, options.RunDirectory, cancellationToken));
                say($"started {container} ({manifest.Resource(container).GetProperty("image").GetString()}) on port {values.Port(container, manifest.BindingsOf(container).Single().Binding)}");
            }

            var checks = new RehearsalChecks(manifest, values, adminKey, running, options, say);
            await checks.UnprovisionedServicesStayUnreadyAsync(cancellationToken);
            running.Add(StartProject(RehearsalChecks.Provisioning, manifest, values));
            say($"started {RehearsalChecks.Provisioning} with the manifest's {manifest.EnvironmentOf(RehearsalChecks.Provisioning).Count} variables");

            await checks.AllHealthyAsync(cancellationToken);
            await checks.ChaosCurlsAsync(cancellationToken);
            await checks.NightlyDrillAsync(cancellationToken);
            await checks.FailoverAndFailbackAsync(cancellationToken);
            say("REHEARSAL_PASSED: the app ran from the manifest alone");
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(running))
            {
                await process.DisposeAsync();
            }
        }
    }

    private PlayedProcess StartProject(string name, AspireManifest manifest, DeploymentValues values)
    {
        var project = Path.GetFullPath(Path.Combine(manifest.Directory, manifest.Resource(name).GetProperty("path").GetString()!));
        var assembly = Path.GetFileNameWithoutExtension(project);
        var output = Path.Combine(Path.GetDirectoryName(project)!, "bin", options.Configuration, "net10.0");
        var dll = Path.Combine(output, assembly + ".dll");
        if (!File.Exists(dll))
        {
            throw new RehearsalException($"'{name}' has no build output at {dll}: build the solution ({options.Configuration}) first");
        }

        return PlayedProcess.Start(name, "dotnet", [dll], values.ResolveAll(manifest.EnvironmentOf(name)), output, options.RunDirectory);
    }

    private async Task PublishAsync(string manifestPath, CancellationToken cancellationToken)
    {
        var published = await ExternalCommand.RunAsync("dotnet",
        [
            "run", "--project", Path.Combine(options.RepositoryRoot, "AtlasBank.Chaos.AppHost"), "--no-build", "-c", options.Configuration,
            "--no-launch-profile", "--", "--publisher", "manifest", "--output-path", manifestPath,
        ], PublishTimeout, cancellationToken);
        if (!published.Succeeded)
        {
            throw new RehearsalException($"publishing the manifest failed: {published.StandardError}{published.StandardOutput}");
        }

        say($"published {manifestPath}");
    }
}
