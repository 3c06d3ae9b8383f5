using AtlasBank.Chaos.Nemesis;
using CsCheck;

namespace AtlasBank.Chaos.Tests.Nemesis;

/// <summary>Schedules as CsCheck draws them: within their bounds, and a seed gives the same schedule every time.</summary>
public sealed class NemesisScheduleGenTests
{
    [Fact]
    public void EveryDrawnScheduleHasOneToMaxStepsWithDelaysWithinBounds() =>
        NemesisScheduleGen.Schedules(4).Sample(schedule =>
            schedule.Steps.Count is >= 1 and <= 4
            && schedule.Steps.All(step => step.DelayMs is >= NemesisScheduleGen.MinDelayMs and <= NemesisScheduleGen.MaxDelayMs),
            iter: 2_000);

    [Fact]
    public void ASeedReplaysItsScheduleAndNamesItself()
    {
        var drawn = new List<NemesisSchedule>();
        NemesisScheduleGen.Schedules(6).Sample(schedule => { drawn.Add(schedule); }, iter: 20, threads: 1);

        foreach (var schedule in drawn)
        {
            var replayed = NemesisScheduleGen.FromSeed(schedule.Seed, 6);
            Assert.Equal(schedule.Seed, replayed.Seed);
            Assert.Equal(schedule.Steps, replayed.Steps);
        }
    }
}
