using System.Globalization;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>
/// Everything the AppHost's Prometheus reads or writes, in one folder of this run: its configuration, a copy of
/// the repository's rule files, the scrape targets the AppHost discovers, and its database.
/// </summary>
public sealed class PrometheusFolder(string path)
{
    public const string ConfigFileName = "prometheus.yml";
    public const string RulesFolderName = "rules";
    public const string TargetsFolderName = "targets";

    public string Path { get; } = path;

    public string ConfigFile => System.IO.Path.Combine(Path, ConfigFileName);

    public string RulesDirectory => System.IO.Path.Combine(Path, RulesFolderName);

    public string TargetsDirectory => System.IO.Path.Combine(Path, TargetsFolderName);

    public string DataDirectory => System.IO.Path.Combine(Path, "data");

    public string TargetsFile(string job) => System.IO.Path.Combine(TargetsDirectory, job + ".json");

    /// <summary>Writes the configuration and copies the rules; targets start empty and fill as services start.</summary>
    public async Task PrepareAsync(PrometheusSettings settings, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path);
        Directory.CreateDirectory(RulesDirectory);
        Directory.CreateDirectory(TargetsDirectory);
        Directory.CreateDirectory(DataDirectory);

        foreach (var stale in Directory.EnumerateFiles(RulesDirectory))
        {
            File.Delete(stale);
        }

        foreach (var rules in Directory.EnumerateFiles(settings.RulesSource, "*.yml"))
        {
            File.Copy(rules, System.IO.Path.Combine(RulesDirectory, System.IO.Path.GetFileName(rules)), overwrite: true);
        }

        foreach (var job in settings.Jobs.Where(job => !File.Exists(TargetsFile(job))))
        {
            await ScrapeTargetFile.WriteAsync(TargetsFile(job), [], cancellationToken);
        }

        await File.WriteAllTextAsync(ConfigFile, PrometheusConfig.Render(settings.Jobs, settings.ScrapeInterval, settings.Address), cancellationToken);
    }

    /// <summary>Hands the folder to the user Prometheus runs as (the AppHost still writes the target files).</summary>
    public async Task GiveToAsync(string user, CancellationToken cancellationToken)
    {
        await ExternalCommand.RunCheckedAsync("chown", ["-R", $"{user}:", Path], TimeSpan.FromSeconds(30), cancellationToken);
        UnixPermissions.Set(Path, UnixPermissions.OwnerOnlyDirectory | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
    }

    public static string Seconds(TimeSpan interval) =>
        Math.Max(1, (int)Math.Round(interval.TotalSeconds)).ToString(CultureInfo.InvariantCulture) + "s";
}
