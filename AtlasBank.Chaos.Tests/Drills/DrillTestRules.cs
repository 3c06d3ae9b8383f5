using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills;
using AtlasBank.Chaos.ServiceDefaults.Chaos;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace AtlasBank.Chaos.Tests.Drills;

/// <summary>The rules the manager checks drills against, as the AppHost configures it: it knows both ledgers and allows paymentsapi.</summary>
public static class DrillTestRules
{
    public static DrillRules Create(DrillOptions? options = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["services:ledgerapi:http:0"] = "http://localhost:6181",
            ["services:ledgerapi-dr:http:0"] = "http://localhost:6182",
        }).Build();
        var limits = new ChaosManagerOptions { AllowedTargetHosts = ["paymentsapi"] };
        var targets = new ChaosTargetAllowlist(configuration, Options.Create(new ChaosOptions()), Options.Create(limits));
        return new DrillRules(limits, targets, options ?? new DrillOptions());
    }

    /// <summary>A temporary folder of definition files, deleted on dispose.</summary>
    public sealed class Folder : IDisposable
    {
        public Folder() => Directory.CreateDirectory(Path);

        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "atlasbank-drills-" + Guid.NewGuid().ToString("N"));

        public string Write(string fileName, string json)
        {
            var file = System.IO.Path.Combine(Path, fileName);
            File.WriteAllText(file, json);
            return file;
        }

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
