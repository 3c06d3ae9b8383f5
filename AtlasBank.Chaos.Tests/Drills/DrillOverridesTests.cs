using System.Text;
using AtlasBank.Chaos.Manager.Drills;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AtlasBank.Chaos.Tests.Drills;

/// <summary>A run's overrides, read and checked as the runs API will: bad ones name the field.</summary>
public sealed class DrillOverridesTests
{
    private static readonly DrillDefinition Nightly = DrillLoader.Load([DrillCatalog.BuiltInFolder], DrillTestRules.Create()).Find("nightly")!;
    private static readonly DrillDefinition ServiceFailure = DrillLoader.Load([DrillCatalog.BuiltInFolder], DrillTestRules.Create()).Find("service-failure")!;

    public static TheoryData<string, string, string> BadOverrides => new()
    {
        // body, field, a word the message must hold
        { """{"DurationSeconds":-1}""", "DurationSeconds", "seconds" },
        { """{"DurationSeconds":0}""", "DurationSeconds", "seconds" },
        { """{"DurationSeconds":3601}""", "DurationSeconds", "3600" },
        { """{"DurationSeconds":15}""", "DurationSeconds", "fixed steps take 20 s" },
        { """{"RatePerSecond":0}""", "RatePerSecond", "1 to 500" },
        { """{"RatePerSecond":501}""", "RatePerSecond", "1 to 500" },
        { """{"RatePerSecond":-3}""", "RatePerSecond", "1 to 500" },
    };

    [Theory]
    [MemberData(nameof(BadOverrides))]
    public async Task ABadOverrideIsRefusedNamingItsField(string body, string field, string messageHolds)
    {
        var read = await DrillOverrides.ReadAsync(Request(body));
        Assert.True(read.IsValid);

        var errors = DrillOverrides.Validate(read.Value!, Nightly, new DrillOptions());

        var messages = Assert.Single(errors, error => error.Key == field).Value;
        Assert.Contains(messages, message => message.Contains(messageHolds, StringComparison.Ordinal));
        Assert.Single(errors);
    }

    [Theory]
    [InlineData("""{"DurationSeconds":20,"Rate":5}""", "Rate")]
    [InlineData("""{"durationSeconds":"long"}""", "durationSeconds")]
    [InlineData("""{"DurationSeconds":1e400}""", "DurationSeconds")]
    [InlineData("""{"DurationSeconds":30,"DurationSeconds":40}""", "DurationSeconds")]
    public async Task AnUnknownFieldOrAWrongTypeIsA400NamingTheField(string body, string field)
    {
        var read = await DrillOverrides.ReadAsync(Request(body));

        var problem = Assert.IsType<ProblemHttpResult>(read.Problem);
        Assert.Equal(StatusCodes.Status400BadRequest, problem.StatusCode);
        var validation = Assert.IsType<HttpValidationProblemDetails>(problem.ProblemDetails);
        Assert.Equal([field], validation.Errors.Keys);
    }

    [Fact]
    public async Task NoBodyMeansNoOverrides()
    {
        var read = await DrillOverrides.ReadAsync(Request(null));

        Assert.Same(DrillOverrides.None, read.Value);
        Assert.Empty(DrillOverrides.Validate(read.Value!, Nightly, new DrillOptions()));
        Assert.Equal(45, read.Value!.DurationFor(Nightly));
    }

    [Fact]
    public void OverridesWithinTheBoundsAreAccepted()
    {
        var overrides = new DrillOverrides { DurationSeconds = 30, RatePerSecond = 500 };

        Assert.Empty(DrillOverrides.Validate(overrides, Nightly, new DrillOptions()));
        Assert.Empty(DrillOverrides.Validate(new DrillOverrides { DurationSeconds = 3600 }, Nightly, new DrillOptions()));
        Assert.Equal(30, overrides.DurationFor(Nightly));
    }

    [Fact]
    public void ARateForADrillWithoutAWorkloadIsRefused()
    {
        var errors = DrillOverrides.Validate(new DrillOverrides { RatePerSecond = 10 }, ServiceFailure, new DrillOptions());

        Assert.Contains("runs no workload", Assert.Single(errors["RatePerSecond"]), StringComparison.Ordinal);
    }

    [Fact]
    public void TheBoundsComeFromTheOptions()
    {
        var tight = new DrillOptions { MaxDurationSeconds = 60, MaxRatePerSecond = 50 };

        var errors = DrillOverrides.Validate(new DrillOverrides { DurationSeconds = 61, RatePerSecond = 51 }, Nightly, tight);

        Assert.Equal(["DurationSeconds", "RatePerSecond"], errors.Keys.Order());
    }

    private static HttpRequest Request(string? body)
    {
        var context = new DefaultHttpContext();
        if (body is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Request.Body = new MemoryStream(bytes);
            context.Request.ContentLength = bytes.Length;
            context.Request.ContentType = "application/json";
        }

        return context.Request;
    }
}
