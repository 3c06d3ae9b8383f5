using StackExchange.Redis;

namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>Reads chaos state from Redis: shared by the manager's API and every service's synchroniser.</summary>
public static class ChaosStateReader
{
    /// <summary>Every experiment whose lease has not run out: the active set, then their entries, in two round trips.</summary>
    public static async Task<IReadOnlyList<ChaosExperiment>> ReadActiveAsync(IDatabaseAsync database, DateTimeOffset now)
    {
        var services = await database.SortedSetRangeByScoreAsync(ChaosRedisKeys.Active, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);
        if (services.Length == 0)
        {
            return [];
        }

        var entries = await database.StringGetAsync([.. services.Select(service => (RedisKey)ChaosRedisKeys.Experiment(service!))]);
        return [.. entries.Where(entry => entry.HasValue).Select(entry => ChaosExperiment.FromJson(entry!)).OfType<ChaosExperiment>()];
    }
}
