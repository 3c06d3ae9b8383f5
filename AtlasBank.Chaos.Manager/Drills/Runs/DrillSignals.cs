using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Drills.Runs;

/// <summary>Aborts, disable-all and the halt as runs see them: written and read in Redis only.</summary>
public sealed class DrillSignals(IConnectionMultiplexer redis)
{
    private IDatabase Database => redis.GetDatabase();

    public Task RequestAbortAsync(string runId, DrillStopSignal signal) =>
        Database.StringSetAsync(DrillRedisKeys.Abort(runId), JsonSerializer.Serialize(signal, DrillRunStore.Json), DrillRedisKeys.SignalRetention);

    public Task StopAllAsync(DrillStopSignal signal) =>
        Database.StringSetAsync(DrillRedisKeys.StopAll, JsonSerializer.Serialize(signal, DrillRunStore.Json), DrillRedisKeys.SignalRetention);

    /// <summary>
    /// Why run <paramref name="runId"/>, started at <paramref name="startedAt"/>, must stop now; null when nothing
    /// says so. One round trip.
    /// </summary>
    public async Task<DrillStopSignal?> ReadAsync(string runId, DateTimeOffset startedAt)
    {
        var values = await Database.StringGetAsync([DrillRedisKeys.Abort(runId), DrillRedisKeys.StopAll, ChaosRedisKeys.Halt]);
        if (Read<DrillStopSignal>(values[0]) is { } abort)
        {
            return abort;
        }

        if (Read<DrillStopSignal>(values[1]) is { } stopAll && stopAll.At >= startedAt)
        {
            return stopAll;
        }

        return Read<ChaosHalt>(values[2]) is { } halt
            ? new DrillStopSignal(halt.EngagedBy, halt.EngagedAt, $"the halt was engaged by '{halt.EngagedBy}'{(halt.Reason is { } reason ? $" ({reason})" : string.Empty)}")
            : null;
    }

    private static T? Read<T>(RedisValue value) where T : class
    {
        if (!value.HasValue)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<T>(value.ToString(), DrillRunStore.Json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
