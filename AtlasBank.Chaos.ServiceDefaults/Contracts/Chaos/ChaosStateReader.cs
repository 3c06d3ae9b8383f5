using StackExchange.Redis;

namespace AtlasBank.Chaos.Contracts.Chaos;

/// <summary>Reads chaos state from Redis: shared by the manager's API and every service's synchroniser.</summary>
public static class ChaosStateReader
{
    /// <summary>
    /// Every experiment whose lease has not run out: the active set, then their entries, in two round trips. An entry
    /// that is not an experiment is left out (never chaos), and <paramref name="unreadable"/> hears its service.
    /// </summary>
    public static async Task<IReadOnlyList<ChaosExperiment>> ReadActiveAsync(IDatabaseAsync database, DateTimeOffset now, Action<string>? unreadable = null)
    {
        var services = await database.SortedSetRangeByScoreAsync(ChaosRedisKeys.Active, now.ToUnixTimeMilliseconds(), double.PositiveInfinity, Exclude.Start);
        if (services.Length == 0)
        {
            return [];
        }

        var entries = await database.StringGetAsync([.. services.Select(service => (RedisKey)ChaosRedisKeys.Experiment(service!))]);
        var experiments = new List<ChaosExperiment>(entries.Length);
        for (var i = 0; i < entries.Length; i++)
        {
            if (!entries[i].HasValue)
            {
                continue;
            }

            if (ChaosExperiment.FromJson(entries[i]!) is { } experiment)
            {
                experiments.Add(experiment);
            }
            else
            {
                unreadable?.Invoke(services[i]!);
            }
        }

        return experiments;
    }
}
