using System.Text.Json;
using AtlasBank.Chaos.Contracts.Chaos;
using AtlasBank.Chaos.Manager.Safety;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AtlasBank.Chaos.Manager.Chaos;

/// <summary>Chaos state in Redis: the only writer of the keys in <see cref="ChaosRedisKeys"/>.</summary>
public sealed class ChaosStore(IConnectionMultiplexer redis, TimeProvider timeProvider, IOptions<ChaosManagerOptions> options)
{
    private IDatabase Database => redis.GetDatabase();

    /// <summary>
    /// Enables every experiment or none (one MULTI/EXEC), then announces each change. The transaction is
    /// conditional on no halt being engaged, so a halt engaged meanwhile cannot be slipped past.
    /// </summary>
    public async Task EnableAsync(IReadOnlyList<ChaosExperiment> experiments)
    {
        var transaction = Database.CreateTransaction();
        var notHalted = transaction.AddCondition(Condition.KeyNotExists(ChaosRedisKeys.Halt));
        var writes = new List<Task>();
        foreach (var experiment in experiments)
        {
            writes.Add(transaction.StringSetAsync(ChaosRedisKeys.Experiment(experiment.Service), experiment.ToJson(), experiment.ExpiresAt - experiment.EnabledAt));
            writes.Add(transaction.SortedSetAddAsync(ChaosRedisKeys.Active, experiment.Service, experiment.ExpiresAt.ToUnixTimeMilliseconds()));
        }

        var version = transaction.StringIncrementAsync(ChaosRedisKeys.Version);
        if (!await transaction.ExecuteAsync())
        {
            throw notHalted.WasSatisfied ? new RedisException("The chaos state transaction was not applied.") : new ChaosHaltedException();
        }

        await Task.WhenAll(writes);
        foreach (var experiment in experiments)
        {
            await AnnounceAsync(ChaosChange.Enabled, experiment.Service, experiment.ExperimentId, await version);
        }
    }

    /// <summary>Disables the named services; returns those that had active chaos.</summary>
    public async Task<IReadOnlyList<string>> DisableAsync(IReadOnlyList<string> services)
    {
        var transaction = Database.CreateTransaction();
        var removals = services.Select(service => (Service: service, Removed: transaction.SortedSetRemoveAsync(ChaosRedisKeys.Active, service), Deleted: transaction.KeyDeleteAsync(ChaosRedisKeys.Experiment(service)))).ToList();
        var version = transaction.StringIncrementAsync(ChaosRedisKeys.Version);
        if (!await transaction.ExecuteAsync())
        {
            throw new RedisException("The chaos state transaction was not applied.");
        }

        var disabled = new List<string>();
        foreach (var (service, removed, deleted) in removals)
        {
            // An expired lease leaves a set member without its entry: that service was no longer active.
            if (await removed && await deleted)
            {
                disabled.Add(service);
            }
        }

        foreach (var service in disabled)
        {
            await AnnounceAsync(ChaosChange.Disabled, service, null, await version);
        }

        return disabled;
    }

    /// <summary>Every active experiment off, everywhere, in one transaction.</summary>
    public async Task<IReadOnlyList<string>> DisableAllAsync()
    {
        var members = await Database.SortedSetRangeByRankAsync(ChaosRedisKeys.Active);
        return members.Length == 0 ? [] : await DisableAsync([.. members.Select(member => member.ToString())]);
    }

    public async Task<ChaosHalt?> GetHaltAsync()
    {
        var value = await Database.StringGetAsync(ChaosRedisKeys.Halt);
        return value.HasValue ? JsonSerializer.Deserialize<ChaosHalt>(value.ToString(), ChaosExperiment.JsonOptions) : null;
    }

    /// <summary>Engages the halt (blocks enables), then disables everything.</summary>
    public async Task<IReadOnlyList<string>> EngageHaltAsync(ChaosHalt halt)
    {
        await Database.StringSetAsync(ChaosRedisKeys.Halt, JsonSerializer.Serialize(halt, ChaosExperiment.JsonOptions));
        return await DisableAllAsync();
    }

    public Task<bool> LiftHaltAsync() => Database.KeyDeleteAsync(ChaosRedisKeys.Halt);

    /// <summary>Calls and organic failures reported for a service since <paramref name="since"/>.</summary>
    public async Task<(long Calls, long Failures)> HealthSinceAsync(string service, DateTimeOffset since, DateTimeOffset now)
    {
        var first = ChaosHealthBuckets.Of(since);
        var last = ChaosHealthBuckets.Of(now);
        var batch = Database.CreateBatch();
        var reads = new List<Task<HashEntry[]>>();
        for (var bucket = first; bucket <= last; bucket++)
        {
            reads.Add(batch.HashGetAllAsync(ChaosRedisKeys.Health(service, bucket)));
        }

        batch.Execute();
        long calls = 0, failures = 0;
        foreach (var entry in (await Task.WhenAll(reads)).SelectMany(entries => entries))
        {
            if (entry.Name == ChaosHealthBuckets.CallsField)
            {
                calls += (long)entry.Value;
            }
            else if (entry.Name == ChaosHealthBuckets.FailuresField)
            {
                failures += (long)entry.Value;
            }
        }

        return (calls, failures);
    }

    public async Task<IReadOnlyList<ChaosExperiment>> ListAsync()
    {
        var now = timeProvider.GetUtcNow();
        // Leases that ran out leave members behind in the active set; drop them as we pass.
        await Database.SortedSetRemoveRangeByScoreAsync(ChaosRedisKeys.Active, double.NegativeInfinity, now.ToUnixTimeMilliseconds());
        var active = await ChaosStateReader.ReadActiveAsync(Database, now);
        return [.. active.Where(experiment => experiment.IsActiveAt(now)).OrderBy(experiment => experiment.Service, StringComparer.Ordinal)];
    }

    public async Task<ChaosExperiment?> GetAsync(string service)
    {
        var value = await Database.StringGetAsync(ChaosRedisKeys.Experiment(service));
        return value.HasValue && ChaosExperiment.FromJson(value!) is { } experiment && experiment.IsActiveAt(timeProvider.GetUtcNow())
            ? experiment
            : null;
    }

    /// <summary>Adds one inject call to the service's and the total statistics and to its health counts, atomically.</summary>
    public async Task RecordInjectAsync(ChaosExperiment experiment, InjectResult result)
    {
        var transaction = Database.CreateTransaction();
        foreach (var key in new[] { ChaosRedisKeys.Stats(experiment.Service), ChaosRedisKeys.StatsTotal })
        {
            _ = transaction.HashIncrementAsync(key, "injections");
            _ = transaction.HashIncrementAsync(key, result.Success ? "successes" : "failures");
            _ = transaction.HashIncrementAsync(key, "attempts", result.Attempts);
            _ = transaction.HashIncrementAsync(key, "injected_faults", result.InjectedFaults);
            _ = transaction.HashIncrementAsync(key, "injected_latency", result.InjectedLatencyCount);
            _ = transaction.HashIncrementAsync(key, "injected_latency_ms", (long)result.InjectedLatencyMs);
            _ = transaction.KeyExpireAsync(key, options.Value.StatsRetention);
        }

        _ = transaction.HashSetAsync(ChaosRedisKeys.Stats(experiment.Service), "mode", JsonSerializer.Serialize(experiment.Mode).Trim('"'));

        // The same call feeds the auto-disable circuit breaker: every attempt, and those that failed without chaos injecting it.
        var health = ChaosRedisKeys.Health(experiment.Service, ChaosHealthBuckets.Of(timeProvider.GetUtcNow()));
        _ = transaction.HashIncrementAsync(health, ChaosHealthBuckets.CallsField, result.Attempts);
        _ = transaction.HashIncrementAsync(health, ChaosHealthBuckets.FailuresField, result.OrganicFailures);
        _ = transaction.KeyExpireAsync(health, ChaosHealthBuckets.Retention);
        _ = transaction.SetAddAsync(ChaosRedisKeys.StatsIndex, experiment.Service);
        _ = transaction.KeyExpireAsync(ChaosRedisKeys.StatsIndex, options.Value.StatsRetention);
        await transaction.ExecuteAsync();
    }

    public async Task<(ChaosStats Total, IReadOnlyList<ChaosStats> Services)> GetStatsAsync()
    {
        var services = (await Database.SetMembersAsync(ChaosRedisKeys.StatsIndex)).Select(member => member.ToString()).Order(StringComparer.Ordinal).ToArray();
        var batch = Database.CreateBatch();
        var total = batch.HashGetAllAsync(ChaosRedisKeys.StatsTotal);
        var perService = services.Select(service => batch.HashGetAllAsync(ChaosRedisKeys.Stats(service))).ToArray();
        batch.Execute();
        var entries = await Task.WhenAll(perService);
        // A service whose statistics expired leaves its name in the index: drop it there too.
        var expired = services.Where((_, i) => entries[i].Length == 0).Select(service => (RedisValue)service).ToArray();
        if (expired.Length > 0)
        {
            await Database.SetRemoveAsync(ChaosRedisKeys.StatsIndex, expired);
        }

        return (ToStats(ChaosStats.TotalName, await total),
            [.. entries.Select((hash, i) => (Hash: hash, Service: services[i])).Where(stats => stats.Hash.Length > 0).Select(stats => ToStats(stats.Service, stats.Hash))]);
    }

    private async Task AnnounceAsync(string action, string service, string? experimentId, long version)
    {
        var change = new ChaosChange(action, service, experimentId, version, timeProvider.GetUtcNow());
        await Database.PublishAsync(RedisChannel.Literal(ChaosRedisKeys.Channel), JsonSerializer.Serialize(change, ChaosExperiment.JsonOptions));
    }

    private static ChaosStats ToStats(string service, HashEntry[] entries)
    {
        var values = entries.ToDictionary(entry => entry.Name.ToString(), entry => entry.Value, StringComparer.Ordinal);
        long Get(string name) => values.TryGetValue(name, out var value) && value.TryParse(out long number) ? number : 0;
        return new ChaosStats(
            service,
            values.TryGetValue("mode", out var mode) ? mode.ToString() : null,
            Get("injections"), Get("successes"), Get("failures"), Get("attempts"),
            Get("injected_faults"), Get("injected_latency"), Get("injected_latency_ms"));
    }
}
