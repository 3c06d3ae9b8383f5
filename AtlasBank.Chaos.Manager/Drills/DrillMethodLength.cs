using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Chaos;
using AtlasBank.Chaos.Manager.Drills.Runs;
using AtlasBank.Chaos.Manager.Drills.Steps;

namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// The least time a method takes whatever the run's length: fixed waits, foreground workloads, and inject bursts
/// (their cadence, <c>Count</c> calls <c>IntervalMs</c> apart, plus the latency the method injected into that
/// service). Rest waits and
/// background workloads take what is left, so they count 0. A run shorter than this would hit its deadline.
/// </summary>
public static class DrillMethodLength
{
    public static int FixedSeconds(IEnumerable<DrillStep?> method)
    {
        var latencyMs = new Dictionary<string, long>(StringComparer.Ordinal);
        var totalMs = 0L;
        foreach (var step in method)
        {
            switch (step)
            {
                case EnableStep { Body: { } body }:
                    Enabled(latencyMs, body);
                    break;
                case BulkEnableStep { Body: { } bodies }:
                    foreach (var body in bodies.OfType<EnableChaosRequest>())
                    {
                        Enabled(latencyMs, body);
                    }

                    break;
                case DisableStep { Service: { } service }:
                    latencyMs.Remove(service);
                    break;
                case DisableAllStep:
                    latencyMs.Clear();
                    break;
                case WaitStep { Rest: false, Seconds: { } seconds }:
                    totalMs += seconds * 1_000L;
                    break;
                case WorkloadStep { Background: false, DurationSeconds: { } seconds }:
                    totalMs += seconds * 1_000L;
                    break;
                case InjectStep { Count: { } count } inject:
                    totalMs += InjectMs(count, inject.IntervalMs, latencyMs.GetValueOrDefault(inject.Service ?? string.Empty));
                    break;
            }
        }

        return (int)Math.Min(int.MaxValue, (totalMs + 999) / 1_000);
    }

    /// <summary>The fixed length of <paramref name="drill"/>'s method, injects into its target included.</summary>
    public static int FixedSeconds(DrillDefinition drill) => FixedSeconds(WithTargets(drill));

    /// <summary>The fixed time the steps after step <paramref name="index"/> take, with the latency the steps before left on (a rest wait's complement).</summary>
    public static int FixedSecondsAfter(DrillDefinition drill, int index)
    {
        var method = WithTargets(drill).ToArray();
        return FixedSeconds(method) - FixedSeconds(method.Take(index + 1));
    }

    /// <summary>The method with each inject that names no service aimed at the drill's target.</summary>
    private static IEnumerable<DrillStep?> WithTargets(DrillDefinition drill) =>
        (drill.Method ?? []).Select(step => step is InjectStep { Service: null } inject
            ? new InjectStep { Count = inject.Count, IntervalMs = inject.IntervalMs, Service = drill.Target }
            : step);

    /// <summary>
    /// Calls start every <c>IntervalMs</c> whatever the latency, at most <see cref="DrillStepRunner.MaxInjectsInFlight"/>
    /// at once: the burst lasts its cadence plus one call, or its calls in waves when the latency outlasts the cadence.
    /// </summary>
    private static long InjectMs(int count, int intervalMs, long latencyMs) =>
        Math.Max((count - 1L) * intervalMs + latencyMs, (count + DrillStepRunner.MaxInjectsInFlight - 1L) / DrillStepRunner.MaxInjectsInFlight * latencyMs);

    private static void Enabled(Dictionary<string, long> latencyMs, EnableChaosRequest body)
    {
        if (ChaosRequestValidator.NormalizeServiceName(body.Service) is not { } service)
        {
            return;
        }

        latencyMs[service] = ChaosRequestValidator.ParseMode(body.Mode) == ChaosMode.Latency ? Math.Max(0, body.DelayMs ?? 0) : 0;
    }
}
