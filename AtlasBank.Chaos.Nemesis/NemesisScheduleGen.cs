using CsCheck;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// The schedules, as a CsCheck generator: 1 to <c>maxSteps</c> steps, each a delay of 0.2–4 s and a fault, failovers
/// and failbacks drawn more often than the rest so most schedules move the writer. CsCheck shrinks a failing schedule
/// (fewer steps, shorter delays, earlier faults in <see cref="NemesisFault"/>'s order) and its seed replays it.
/// </summary>
public static class NemesisScheduleGen
{
    public const int MinDelayMs = 200;
    public const int MaxDelayMs = 4_000;

    public static readonly Gen<NemesisFault> Fault = Gen.Frequency(
        (2, NemesisFault.FreezeRegionADatabase), (2, NemesisFault.FreezeRegionBDatabase),
        (1, NemesisFault.StopRegionADatabase), (1, NemesisFault.StopRegionBDatabase),
        (2, NemesisFault.PauseReplication), (2, NemesisFault.SyncMode),
        (1, NemesisFault.KillManagerReplica1), (1, NemesisFault.KillManagerReplica2),
        (1, NemesisFault.FreezeRedis),
        (4, NemesisFault.Failover), (3, NemesisFault.Failback), (1, NemesisFault.Reconcile),
        (2, NemesisFault.KillCoordinatorMidSwitch), (1, NemesisFault.LoseRouting));

    public static readonly Gen<NemesisStep> Step =
        Gen.Select(Gen.Int[MinDelayMs, MaxDelayMs], Fault, (delay, fault) => new NemesisStep(delay, fault));

    public static Gen<NemesisSchedule> Schedules(int maxSteps) => new SeededSchedules(Step.List[1, maxSteps]);

    /// <summary>The schedule a seed stands for under these bounds: what <c>--seed</c> replays.</summary>
    public static NemesisSchedule FromSeed(string seed, int maxSteps)
    {
        NemesisSchedule? schedule = null;
        Schedules(maxSteps).Sample(drawn => { schedule = drawn; }, seed: seed, iter: 1, threads: 1);
        return schedule!;
    }

    /// <summary>
    /// Keeps the seed CsCheck generates each schedule from (the PCG's state before generating: the string CsCheck
    /// prints for a failure and parses back from <c>seed:</c>), so every table row can name its own replay seed.
    /// </summary>
    private sealed class SeededSchedules(Gen<List<NemesisStep>> steps) : Gen<NemesisSchedule>
    {
        public override NemesisSchedule Generate(PCG pcg, Size? min, out Size size)
        {
            var seed = pcg.ToString(pcg.State);
            return new NemesisSchedule(seed, steps.Generate(pcg, min, out size));
        }
    }
}
