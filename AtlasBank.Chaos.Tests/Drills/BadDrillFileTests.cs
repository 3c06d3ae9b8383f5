using System.Text.Json.Nodes;
using AtlasBank.Chaos.Manager.Drills;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AtlasBank.Chaos.Tests.Drills;

/// <summary>A bad definition file stops the start with a message naming the file and the field: no app needed.</summary>
public sealed class BadDrillFileTests : IDisposable
{
    /// <summary>A small valid drill: each case below breaks exactly one thing of it.</summary>
    private const string ValidDrill = """
        {
          "Name": "probe-drill",
          "Title": "A drill for the tests",
          "Description": "Ledger latency while the workload runs.",
          "Objective": "Shows that the loader accepts a valid drill.",
          "Target": "ledger",
          "DurationSeconds": 30,
          "Hypothesis": {
            "Probes": [
              { "Kind": "http", "Name": "ledger-health", "Url": "http://ledgerapi:6181/health", "MaxP99Ms": 1000 },
              { "Kind": "workload", "Name": "transfers", "MaxErrorRate": 0.01 },
              { "Kind": "invariants", "Name": "money" }
            ]
          },
          "Method": [
            { "Kind": "workload", "RatePerSecond": 10, "Background": true },
            { "Kind": "wait", "Seconds": 5 },
            { "Kind": "enable", "Body": { "Service": "ledger", "Mode": "latency", "DelayMs": 100 } },
            { "Kind": "inject", "Count": 10, "IntervalMs": 100 },
            { "Kind": "wait", "Rest": true },
            { "Kind": "disable", "Service": "ledger" }
          ],
          "AbortWhen": { "ConsecutiveProbeFailures": 3, "WorkloadErrorRate": { "Above": 0.2, "ForSeconds": 10 } },
          "Rollback": [ { "Kind": "wait", "Seconds": 1 } ]
        }
        """;

    private readonly DrillTestRules.Folder _folder = new();

    public static TheoryData<string, string, string> BadFiles => new()
    {
        // case, JSON path of the bad field, a word the message must hold
        { "unknown step kind", "$.Method[1].Kind", "fail-over" },
        { "step without a kind", "$.Method[1].Kind", "Required" },
        { "unknown probe kind", "$.Hypothesis.Probes[0].Kind", "probe kind" },
        { "unknown field", "$.Method[1].Sconds", "Unknown field" },
        { "unknown top-level field", "$.Owner", "Unknown field" },
        { "missing Name", "$.Name", "Required" },
        { "Name not kebab-case", "$.Name", "lower-case" },
        { "reserved Name", "$.Name", "reserved" },
        { "bad Target URL host", "$.Hypothesis.Probes[0].Url", "169.254.169.254" },
        { "negative wait", "$.Method[1].Seconds", "from 1" },
        { "wait of a wrong type", "$.Method[1].Seconds", "wrong type" },
        { "enable body as the endpoint refuses it", "$.Method[2].Body.TargetUrl", "manager knows" },
        { "enable body with an unknown field", "$.Method[2].Body.Delay", "Unknown field" },
        { "bulk body with a service twice", "$.Method[2].Body[1].Service", "more than once" },
        { "inject before any enable", "$.Method[1].Service", "No earlier step" },
        { "workload rate above the bound", "$.Method[0].RatePerSecond", "500" },
        { "workload probe without a workload", "$.Hypothesis.Probes[1].Kind", "workload step" },
        { "two probes of one name", "$.Hypothesis.Probes[1].Name", "another probe" },
        { "method longer than the duration", "$.DurationSeconds", "fixed steps" },
        { "enable in the rollback", "$.Rollback[0].Kind", "rollback" },
        { "target no step enables", "$.Target", "enables chaos" },
        { "malformed JSON", "$.Method[1]", "JSON" },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void ABadFileFailsNamingTheFileAndTheField(string badCase, string field, string messageHolds)
    {
        var file = _folder.Write("bad.json", Break(badCase));

        var exception = Assert.Throws<DrillDefinitionException>(() => DrillLoader.Load([_folder.Path], DrillTestRules.Create()));

        Assert.Contains(exception.Errors, error => error.File == file && error.Field == field
            && error.Message.Contains(messageHolds, StringComparison.OrdinalIgnoreCase));
        Assert.Contains($"{file}: {field}: ", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TheValidDrillTheCasesBreakLoads()
    {
        _folder.Write("good.json", ValidDrill);

        var catalog = DrillLoader.Load([_folder.Path], DrillTestRules.Create());

        Assert.Equal("probe-drill", Assert.Single(catalog.All).Name);
    }

    [Fact]
    public void OneNameInTwoFilesFailsNamingBothFiles()
    {
        var first = _folder.Write("a.json", ValidDrill);
        var second = _folder.Write("b.json", ValidDrill);

        var exception = Assert.Throws<DrillDefinitionException>(() => DrillLoader.Load([_folder.Path], DrillTestRules.Create()));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((second, "$.Name"), (error.File, error.Field));
        Assert.Contains(first, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AnOperatorsDrillNamedLikeABuiltInFailsNamingTheBuiltInsFile()
    {
        var file = _folder.Write("nightly.json", ValidDrill.Replace("\"probe-drill\"", "\"nightly\"", StringComparison.Ordinal));

        var exception = Assert.Throws<DrillDefinitionException>(() => DrillLoader.Load([DrillCatalog.BuiltInFolder, _folder.Path], DrillTestRules.Create()));

        var error = Assert.Single(exception.Errors);
        Assert.Equal((file, "$.Name"), (error.File, error.Field));
        Assert.Contains(Path.Combine(DrillCatalog.BuiltInFolder, "nightly.json"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryBadFileIsReportedAtOnce()
    {
        var first = _folder.Write("one.json", Break("missing Name"));
        var second = _folder.Write("two.json", Break("negative wait"));

        var exception = Assert.Throws<DrillDefinitionException>(() => DrillLoader.Load([_folder.Path], DrillTestRules.Create()));

        Assert.Equal([(first, "$.Name"), (second, "$.Method[1].Seconds")], exception.Errors.Select(error => (error.File, error.Field)));
    }

    [Fact]
    public async Task ABadFileInTheConfiguredFolderStopsTheStartNamingTheFileAndTheField()
    {
        var file = _folder.Write("bad.json", Break("unknown step kind"));
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ChaosManager:Drills:Folder"] = _folder.Path,
            ["ChaosManager:AllowedTargetHosts:0"] = "paymentsapi",
            ["services:ledgerapi:http:0"] = "http://localhost:6181",
        });
        builder.Services.AddSingleton<AtlasBank.Chaos.Manager.Chaos.ChaosTargetAllowlist>();
        builder.Services.AddOptions<AtlasBank.Chaos.Manager.Chaos.ChaosManagerOptions>().BindConfiguration("ChaosManager");
        builder.Services.AddOptions<AtlasBank.Chaos.ServiceDefaults.Chaos.ChaosOptions>();
        builder.Services.AddDrillDefinitions();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<DrillDefinitionException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains($"{file}: $.Method[1].Kind: Unknown step kind 'fail-over'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConfiguredFolderThatDoesNotExistStopsTheStart()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ChaosManager:Drills:Folder"] = _folder.Path + "-missing" });
        builder.Services.AddDrillDefinitions();
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("ChaosManager:Drills:Folder", exception.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private static string Break(string badCase)
    {
        if (badCase == "malformed JSON")
        {
            return ValidDrill.Replace("{ \"Kind\": \"wait\", \"Seconds\": 5 },", "{ \"Kind\": \"wait\", \"Seconds\": 5 ", StringComparison.Ordinal);
        }

        var drill = JsonNode.Parse(ValidDrill)!.AsObject();
        var method = drill["Method"]!.AsArray();
        var probes = drill["Hypothesis"]!["Probes"]!.AsArray();
        switch (badCase)
        {
            case "unknown step kind": method[1] = new JsonObject { ["Kind"] = "fail-over", ["Region"] = "b" }; break;
            case "step without a kind": method[1]!.AsObject().Remove("Kind"); break;
            case "unknown probe kind": probes[0] = new JsonObject { ["Kind"] = "ping", ["Name"] = "ping" }; break;
            case "unknown field": method[1] = new JsonObject { ["Kind"] = "wait", ["Sconds"] = 5 }; break;
            case "unknown top-level field": drill["Owner"] = "sre"; break;
            case "missing Name": drill.Remove("Name"); break;
            case "Name not kebab-case": drill["Name"] = "Probe_Drill"; break;
            case "reserved Name": drill["Name"] = "runs"; break;
            case "bad Target URL host": probes[0]!["Url"] = "http://169.254.169.254/latest/meta-data/"; break;
            case "negative wait": method[1]!["Seconds"] = -5; break;
            case "wait of a wrong type": method[1]!["Seconds"] = "five"; break;
            case "enable body as the endpoint refuses it": method[2]!["Body"]!["TargetUrl"] = "http://10.0.0.1/"; break;
            case "enable body with an unknown field": method[2]!["Body"]!["Delay"] = 5; break;
            case "bulk body with a service twice":
                method[2] = JsonNode.Parse("""{"Kind":"bulk-enable","Body":[{"Service":"ledger","Mode":"latency","DelayMs":5},{"Service":"ledger","Mode":"latency","DelayMs":6}]}""");
                break;
            case "inject before any enable": method[1] = new JsonObject { ["Kind"] = "inject", ["Count"] = 1 }; break;
            case "workload rate above the bound": method[0]!["RatePerSecond"] = 501; break;
            case "workload probe without a workload": method[0] = new JsonObject { ["Kind"] = "wait", ["Seconds"] = 1 }; drill.Remove("AbortWhen"); probes.RemoveAt(2); break;
            case "two probes of one name": probes[1]!["Name"] = "ledger-health"; break;
            case "method longer than the duration": method[1]!["Seconds"] = 60; break;
            case "enable in the rollback": drill["Rollback"] = JsonNode.Parse("""[{"Kind":"enable","Body":{"Service":"ledger","Mode":"latency","DelayMs":5}}]"""); break;
            case "target no step enables": drill["Target"] = "payments"; break;
            default: throw new ArgumentOutOfRangeException(nameof(badCase), badCase, null);
        }

        return drill.ToJsonString();
    }
}
