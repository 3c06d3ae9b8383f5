using System.Text.Json;
using AtlasBank.Chaos.Manager.Drills;
using AtlasBank.Chaos.Manager.Drills.Probes;
using AtlasBank.Chaos.Manager.Drills.Steps;

namespace AtlasBank.Chaos.Tests.Drills;

/// <summary>The seven built-in drills, as shipped beside the manager: no app needed.</summary>
public sealed class BuiltInDrillTests
{
    public static readonly string[] BuiltInNames =
        ["bulk", "latency-spike", "nightly", "partial-degradation", "regional-outage", "service-failure", "service-latency"];

    public static TheoryData<string> BuiltInFiles => new(Directory.EnumerateFiles(DrillCatalog.BuiltInFolder, "*.json").Select(Path.GetFileName).OfType<string>().Order());

    [Theory]
    [MemberData(nameof(BuiltInFiles))]
    public void EveryBuiltInFileLoadsAndValidates(string fileName)
    {
        var (drill, errors) = DrillLoader.LoadFile(Path.Combine(DrillCatalog.BuiltInFolder, fileName), DrillTestRules.Create());

        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), drill!.Name);
    }

    [Fact]
    public void TheBuiltInsAreTheSpecsSevenGameDaysAndLoadTogether()
    {
        var catalog = DrillLoader.Load([DrillCatalog.BuiltInFolder], DrillTestRules.Create());

        Assert.Equal(BuiltInNames, catalog.All.Select(drill => drill.Name));
    }

    [Theory]
    [MemberData(nameof(BuiltInFiles))]
    public void EachBuiltInFinishesWithinTwoMinutesByDefaultAndItsFixedStepsFitItsDuration(string fileName)
    {
        var drill = Load(fileName);

        Assert.InRange(drill.DurationSeconds!.Value, 1, 120);
        Assert.InRange(DrillMethodLength.FixedSeconds(drill), 1, drill.DurationSeconds!.Value);
        Assert.NotEmpty(drill.Hypothesis!.Probes!);
    }

    [Theory]
    [MemberData(nameof(BuiltInFiles))]
    public void EachBuiltInThatActsOnTheLedgerRunsTheWorkloadAndChecksTheMoney(string fileName)
    {
        var drill = Load(fileName);
        if (!drill.Target!.StartsWith("ledger", StringComparison.Ordinal))
        {
            return;
        }

        Assert.Contains(drill.Method!, step => step is WorkloadStep { Background: true });
        Assert.Contains(drill.Hypothesis!.Probes!, probe => probe is InvariantsProbe);
        Assert.Contains(drill.Hypothesis!.Probes!, probe => probe is WorkloadProbe);
        Assert.NotNull(drill.AbortWhen!.WorkloadErrorRate);
    }

    [Fact]
    public void TheBuiltInsCarryTheSpecsBodiesAsTheyAre()
    {
        static string Body(DrillDefinition drill) => drill.Method!.Single(step => step is EnableStep or BulkEnableStep) switch
        {
            EnableStep enable => JsonSerializer.Serialize(enable.Body, DrillJson.Options),
            BulkEnableStep bulk => JsonSerializer.Serialize(bulk.Body, DrillJson.Options),
            _ => throw new InvalidOperationException(),
        };
        const string Unset = ",\"TargetUrl\":null,\"DurationSeconds\":null";

        Assert.Equal("""{"Service":"ledger","Mode":"latency","FailureRate":0,"DelayMs":500,"RetryCount":3,"TargetUrl":"http://ledgerapi:6181/health","DurationSeconds":null}""", Body(Load("service-latency.json")));
        Assert.Equal("""{"Service":"payments","Mode":"failure","FailureRate":0.2,"DelayMs":100,"RetryCount":2,"TargetUrl":"http://paymentsapi:5191/health","DurationSeconds":null}""", Body(Load("service-failure.json")));
        Assert.Equal($$"""[{"Service":"ledger","Mode":"latency","FailureRate":0,"DelayMs":300,"RetryCount":3{{Unset}}},{"Service":"payments","Mode":"failure","FailureRate":0.15,"DelayMs":200,"RetryCount":2{{Unset}}}]""", Body(Load("bulk.json")));
        Assert.Equal($$"""[{"Service":"ledger-region-a","Mode":"failure","FailureRate":1,"DelayMs":0,"RetryCount":0{{Unset}}},{"Service":"payments-region-a","Mode":"failure","FailureRate":1,"DelayMs":0,"RetryCount":0{{Unset}}}]""", Body(Load("regional-outage.json")));
        Assert.Equal($$"""{"Service":"ledger","Mode":"latency","FailureRate":0,"DelayMs":2000,"RetryCount":5{{Unset}}}""", Body(Load("latency-spike.json")));
        Assert.Equal($$"""{"Service":"payments","Mode":"failure","FailureRate":0.3,"DelayMs":1000,"RetryCount":3{{Unset}}}""", Body(Load("partial-degradation.json")));
        Assert.Equal($$"""{"Service":"ledger","Mode":"latency","FailureRate":null,"DelayMs":100,"RetryCount":null{{Unset}}}""", Body(Load("nightly.json")));
    }

    [Fact]
    public void TheSpecsInjectLoopsAreInjectSteps()
    {
        static InjectStep Inject(string fileName) => Load(fileName).Method!.OfType<InjectStep>().Single();

        Assert.Equal((20, 500), (Inject("latency-spike.json").Count!.Value, Inject("latency-spike.json").IntervalMs));
        Assert.Equal((100, 100), (Inject("nightly.json").Count!.Value, Inject("nightly.json").IntervalMs));
        Assert.Equal((10, 1000), (Inject("service-failure.json").Count!.Value, Inject("service-failure.json").IntervalMs));
    }

    private static DrillDefinition Load(string fileName)
    {
        var (drill, errors) = DrillLoader.LoadFile(Path.Combine(DrillCatalog.BuiltInFolder, fileName), DrillTestRules.Create());
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
        return drill!;
    }
}
