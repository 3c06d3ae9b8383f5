using System.Net;
using AtlasBank.Chaos.Manager.Drills;
using AtlasBank.Chaos.Manager.Drills.Invariants;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Steps;
using AtlasBank.Chaos.Tests.Chaos;

namespace AtlasBank.Chaos.Tests.Drills.Runs;

/// <summary>Every built-in drill, run for real against the app with a short duration: it passes, and leaves no chaos on.</summary>
[Collection(AtlasAppTests.Name)]
public sealed class BuiltInDrillRunTests(AtlasAppFixture fixture)
{
    private static readonly DrillCatalog Catalog = DrillLoader.Load([DrillCatalog.BuiltInFolder], DrillTestRules.Create());

    public static TheoryData<string> BuiltIns => [.. BuiltInDrillTests.BuiltInNames];

    /// <summary>The shortest run the drill's method allows, plus a few seconds of steady state under chaos.</summary>
    public static int ShortDuration(string drill) => Math.Max(DrillMethodLength.FixedSeconds(Catalog.Find(drill)!) + 4, 10);

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public async Task EveryBuiltInDrillRunsToPassedWithAShortDuration(string drill)
    {
        var duration = ShortDuration(drill);
        var runs = new DrillRunsClient(fixture.CreateManagerClient(AtlasAppFixture.OperatorKey));

        var started = await runs.StartAsync(drill, $$"""{"DurationSeconds":{{duration}}}""");
        var ended = await runs.WaitForEndAsync(started.RunId, TimeSpan.FromSeconds(duration + 90));

        Assert.True(ended.State == DrillRunStates.Passed, $"{drill}: {ended.State}: {ended.Reason}");
        Assert.Equal(duration, ended.Parameters.DurationSeconds);
        Assert.Equal("operator", ended.StartedBy);
        Assert.Empty(ended.EnabledServices);
        Assert.All(ended.Steps.Where(step => step.Phase == "method"), step => Assert.Equal("done", step.Outcome));
        Assert.Contains(ended.Checks, check => check.Phase == DrillCheckPhases.Before);
        Assert.Contains(ended.Checks, check => check.Phase == DrillCheckPhases.After);
        var chaos = await new ChaosManagerClient(runs.Http).ListAsync();
        Assert.DoesNotContain(chaos.Experiments, experiment => experiment.Service == Catalog.Find(drill)!.Target);

        var report = await runs.ReportAsync(started.RunId);
        Assert.Equal(DrillRunStates.Passed, report.State);
        // The chain's head at start is null only while the chain is empty; by the end it holds at least the run's start.
        Assert.NotNull(report.AuditHeadAtEnd);
        Assert.True(report.AuditHeadAtEnd!.Id > (report.AuditHeadAtStart?.Id ?? 0));
        Assert.NotEmpty(report.ChaosBands);
        Assert.All(report.ChaosBands, band => Assert.NotNull(band.To));
        if (Catalog.Find(drill)!.Method!.OfType<WorkloadStep>().Any())
        {
            Assert.NotNull(report.Workload);
            Assert.True(report.Workload!.Acknowledged > 0, $"{drill}: no transfer acknowledged");
            Assert.NotEmpty(report.Timeline);
            Assert.All(report.Invariants, invariant => Assert.True(invariant.Holds, $"{invariant.Invariant}: {invariant.Evidence}"));
            Assert.Contains(report.Invariants, invariant => invariant.Invariant == LedgerInvariantNames.DrConverges);
        }

        using var html = await runs.Http.GetAsync($"/drills/runs/{started.RunId}/report.html").WaitAsync(AtlasAppFixture.RequestTimeout);
        Assert.Equal(HttpStatusCode.OK, html.StatusCode);
        Assert.Equal("text/html", html.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<svg", await html.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
