using System.Text.Json;

namespace AtlasBank.Chaos.Tests.Chaos;

/// <param name="Severity">Spectral's: 0 error, 1 warning, 2 information, 3 hint.</param>
public sealed record SpectralFinding(string Code, string Message, int Severity, IReadOnlyList<string> Path)
{
    public const int Error = 0;
    public const int Warning = 1;

    public override string ToString() => $"{Code} at {string.Join('.', Path)}: {Message}";
}

/// <summary>
/// Runs the Spectral CLI pinned in tools/openapi-lint (installed by <c>./build.sh test</c>) with the repository's
/// .spectral.yaml. A missing node or linter fails the test that asked, with what to run: it is never skipped.
/// </summary>
public static class SpectralLinter
{
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task<IReadOnlyList<SpectralFinding>> LintAsync(string document)
    {
        var root = RepositoryRoot();
        var cli = Path.Combine(root, "tools", "openapi-lint", "node_modules", "@stoplight", "spectral-cli", "dist", "index.js");
        Assert.True(File.Exists(cli),
            $"The Spectral CLI is not installed ({cli} is missing). Run 'npm ci --prefix tools/openapi-lint' in {root}; './build.sh test' does it for you.");

        var file = Path.Combine(Path.GetTempPath(), $"chaos-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, document).WaitAsync(Timeout);
        try
        {
            var (exitCode, output, errors) = await ToolProcess.RunAsync(root, Timeout, "install Node.js 18.18 or newer; './build.sh test' does it for you.", "node", cli, "lint", file, "--ruleset", Path.Combine(root, ".spectral.yaml"), "--format", "json", "--quiet");

            // 0: no errors, 1: errors found; anything else means Spectral itself failed.
            Assert.True(exitCode is 0 or 1, $"Spectral exited with {exitCode}: {errors}{output}");
            return JsonSerializer.Deserialize<List<RawFinding>>(output, Json)!
                .Select(raw => new SpectralFinding(raw.Code, raw.Message, raw.Severity, [.. raw.Path.Select(segment => segment.ToString())]))
                .ToList();
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The checkout the tests were built from: the nearest folder up holding .spectral.yaml.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, ".spectral.yaml")))
            {
                return directory.FullName;
            }
        }

        Assert.Fail($"No .spectral.yaml in {AppContext.BaseDirectory} or any folder above it.");
        return string.Empty;
    }

    private sealed record RawFinding(string Code, string Message, int Severity, IReadOnlyList<JsonElement> Path);
}
