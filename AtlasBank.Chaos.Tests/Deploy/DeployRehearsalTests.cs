using AtlasBank.Chaos.DeployRehearsal;
using Xunit.Abstractions;

namespace AtlasBank.Chaos.Tests.Deploy;

/// <summary>
/// What azd deploys is the manifest: the whole app must come up from it alone, with no AppHost process to create a role,
/// hash a key or order the starts. <c>./build.sh rehearse-deploy</c> runs the same rehearsal.
/// </summary>
public sealed class DeployRehearsalTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task TheAppStartedFromThePublishedManifestAloneWaitsUnreadyForItsProvisioningThenPassesANightlyDrillAndFailsOverAndBack()
    {
        var run = Path.Combine(Path.GetTempPath(), $"atlasbank-rehearsal-{Guid.NewGuid():N}");
        var steps = new List<string>();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await new DeployRehearsal.DeployRehearsal(new RehearsalOptions(RepositoryRoot(), Configuration(), run), line =>
            {
                lock (steps)
                {
                    steps.Add(line);
                }

                output.WriteLine(line);
            }).RunAsync(timeout.Token);
        }
        finally
        {
            if (Directory.Exists(run))
            {
                Directory.Delete(run, recursive: true);
            }
        }

        Assert.All(["ledgerapi", "ledgerapi-dr", "chaos-manager"], service =>
            Assert.Contains(steps, step => step.StartsWith($"{service} unready (503) before the provisioning has run", StringComparison.Ordinal)));
        Assert.Contains(steps, step => step.StartsWith("provisioning finished (exit 0)", StringComparison.Ordinal));
        Assert.Contains(steps, step => step.StartsWith("nightly drill passed", StringComparison.Ordinal));
        Assert.Contains(steps, step => step.StartsWith("failback: State completed", StringComparison.Ordinal));
    }

    [Fact]
    public void AParameterAzdWouldPromptForThatNobodySuppliesFailsTheRehearsalNamingIt()
    {
        var manifest = Manifest("""
            { "resources": {
                "audit-key": { "type": "parameter.v0", "value": "{audit-key.inputs.value}", "inputs": { "value": { "type": "string", "secret": true } } },
                "api-key": { "type": "parameter.v0", "value": "{api-key.inputs.value}", "inputs": { "value": { "type": "string", "secret": true, "default": { "generate": { "minLength": 40, "special": false } } } } }
            } }
            """);

        var failure = Assert.Throws<RehearsalException>(() => new DeploymentValues(manifest, new Dictionary<string, string>()));

        Assert.Contains("audit-key", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("api-key,", failure.Message, StringComparison.Ordinal);
        var generated = new DeploymentValues(manifest, new Dictionary<string, string> { ["audit-key"] = "supplied" }).Parameter("api-key");
        Assert.Matches("^[A-Za-z0-9]{40}$", generated);
    }

    [Fact]
    public void AnExpressionTheManifestCannotResolveFailsTheRehearsalNamingItAndWhereItIs()
    {
        var manifest = Manifest("""
            { "resources": {
                "worker": { "type": "project.v0", "path": "w.csproj", "env": { "ConnectionStrings__db": "{missing-db.connectionString}" } }
            } }
            """);
        var values = new DeploymentValues(manifest, new Dictionary<string, string>());

        var failure = Assert.Throws<RehearsalException>(() => values.ResolveAll(manifest.EnvironmentOf("worker")));

        Assert.Contains("missing-db", failure.Message, StringComparison.Ordinal);
    }

    private static AspireManifest Manifest(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"atlasbank-manifest-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        try
        {
            return AspireManifest.Load(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AtlasBank.Chaos.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No AtlasBank.Chaos.sln above {AppContext.BaseDirectory}.");
    }

    private static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
}
