using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using AtlasBank.Chaos.Hosting;
using AtlasBank.Chaos.Contracts.Dr;
using AtlasBank.Chaos.Contracts.Ledger;
using Npgsql;

namespace AtlasBank.Chaos.Nemesis;

/// <summary>
/// Applies a schedule's faults to the real app, each as one operation of the history (invoke, then ok, fail or
/// info), and remembers what it broke so that <see cref="NemesisHeal"/> can mend it. Every call is bounded: a fault
/// that does not answer in time is <c>info</c>, and the schedule goes on.
/// </summary>
public sealed class NemesisFaultExecutor(NemesisTarget target, NemesisHistory history)
{
    public const string Process = "nemesis";

    private static readonly TimeSpan CommandBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan HealthyBound = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan SqlBound = TimeSpan.FromSeconds(8);

    /// <summary>What a DR answer says in the history: a problem's title and detail, a record's regions, RPO and checksums.</summary>
    private static readonly string[] SummaryFields = ["title", "detail", "FromRegion", "ToRegion", "RpoTransactions", "RpoSource", "ChecksumsEqual", "Mode"];

    private readonly Dictionary<string, int[]> _frozenServers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _stoppedServers = new(StringComparer.Ordinal);
    private readonly HashSet<string> _killedReplicas = new(StringComparer.Ordinal);
    private int[] _frozenRedis = [];

    public NemesisTarget Target => target;

    public NemesisHistory History => history;

    /// <summary>Servers frozen or stopped, Redis frozen, replicas killed: what the heal must undo.</summary>
    public IReadOnlyCollection<string> Broken =>
        [.. _frozenServers.Keys.Select(s => $"{s} frozen"), .. _stoppedServers.Select(s => $"{s} stopped"),
         .. _frozenRedis.Length > 0 ? ["redis frozen"] : Array.Empty<string>(), .. _killedReplicas.Select(r => $"{r} killed")];

    public Task ApplyAsync(NemesisStep step) => step.Fault switch
    {
        // The kill's moment from the step's own draw, so the seed replays it: 1 to 10 s into the switch.
        NemesisFault.KillCoordinatorMidSwitch => KillCoordinatorMidSwitchAsync(TimeSpan.FromMilliseconds(1_000 + (step.DelayMs * 37 % 9_000))),
        NemesisFault.LoseRouting => LoseRoutingAsync(),
        _ => ApplyAsync(step.Fault),
    };

    public Task ApplyAsync(NemesisFault fault) => fault switch
    {
        NemesisFault.FreezeRegionADatabase => ToggleServerAsync(NemesisTarget.RegionAServer, freeze: true),
        NemesisFault.FreezeRegionBDatabase => ToggleServerAsync(NemesisTarget.RegionBServer, freeze: true),
        NemesisFault.StopRegionADatabase => ToggleServerAsync(NemesisTarget.RegionAServer, freeze: false),
        NemesisFault.StopRegionBDatabase => ToggleServerAsync(NemesisTarget.RegionBServer, freeze: false),
        NemesisFault.PauseReplication => ToggleReplicationAsync(),
        NemesisFault.SyncMode => ToggleSyncModeAsync(),
        NemesisFault.KillManagerReplica1 => ToggleReplicaAsync(0),
        NemesisFault.KillManagerReplica2 => ToggleReplicaAsync(1),
        NemesisFault.FreezeRedis => ToggleRedisAsync(),
        // Consent to lose data at promotion: the hardest case for the failback, which must still bring every
        // acknowledged transfer home. (Refusing without consent is the suite's own test.)
        NemesisFault.Failover => DrCallAsync("failover", "/dr/failover", JsonContent.Create(new { Reason = "nemesis", AcceptDataLoss = true })),
        NemesisFault.Failback => DrCallAsync("failback", "/dr/failback", null),
        NemesisFault.Reconcile => DrCallAsync("reconcile", "/dr/reconcile", null),
        _ => throw new ArgumentOutOfRangeException(nameof(fault), fault, null),
    };

    /// <summary>Every server thawed or started, Redis thawed, every killed replica started: each an operation of the history.</summary>
    public async Task HealFaultsAsync()
    {
        foreach (var server in _frozenServers.Keys.Concat(_stoppedServers).ToList())
        {
            await ToggleServerAsync(server, freeze: true);
        }

        if (_frozenRedis.Length > 0)
        {
            await ToggleRedisAsync();
        }

        foreach (var replica in _killedReplicas.ToList())
        {
            await ToggleReplicaAsync(target.ManagerReplicas.ToList().IndexOf(replica));
        }

        // A server the nemesis never stopped may still have gone (seen once: region A's postmaster exited after a
        // freeze and two failovers). Start it, as an operation of the history, so the check and the next schedule
        // have both regions.
        foreach (var server in new[] { NemesisTarget.RegionAServer, NemesisTarget.RegionBServer })
        {
            if (target.App.ResourceNotifications.TryGetCurrentState(server, out var state)
                && state.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart")
            {
                await OperationAsync("start-exited", server, async () =>
                {
                    var started = await target.App.ResourceCommands.ExecuteCommandAsync(server, KnownResourceCommands.StartCommand).WaitAsync(CommandBound);
                    if (!started.Success)
                    {
                        return (OperationType.Fail, started.Message ?? "start refused");
                    }

                    await target.App.ResourceNotifications.WaitForResourceHealthyAsync(server).WaitAsync(HealthyBound);
                    return (OperationType.Ok, $"was {state.Snapshot.State?.Text}; healthy");
                });
            }
        }
    }

    /// <summary>A frozen server is thawed and a stopped one started, whichever step names it; a running one is frozen or stopped.</summary>
    public Task ToggleServerAsync(string server, bool freeze)
    {
        if (_frozenServers.TryGetValue(server, out var pids))
        {
            return OperationAsync("thaw", server, async () =>
            {
                await ProcessSignals.ContinueAsync(pids);
                _frozenServers.Remove(server);
                return (OperationType.Ok, $"SIGCONT {pids.Length} processes");
            });
        }

        if (_stoppedServers.Contains(server))
        {
            return OperationAsync("start", server, async () =>
            {
                var started = await target.App.ResourceCommands.ExecuteCommandAsync(server, KnownResourceCommands.StartCommand).WaitAsync(CommandBound);
                if (!started.Success)
                {
                    return (OperationType.Fail, started.Message ?? "start refused");
                }

                _stoppedServers.Remove(server);
                await target.App.ResourceNotifications.WaitForResourceHealthyAsync(server).WaitAsync(HealthyBound);
                return (OperationType.Ok, "healthy");
            });
        }

        return freeze
            ? OperationAsync("freeze", server, async () =>
            {
                var processes = await ProcessSignals.PostgresProcessesAsync(target.DataDirectory(server));
                _frozenServers[server] = processes;
                await ProcessSignals.StopAsync(processes);
                return (OperationType.Ok, $"SIGSTOP {processes.Length} processes");
            })
            : OperationAsync("stop", server, async () =>
            {
                _stoppedServers.Add(server);
                var stopped = await target.App.ResourceCommands.ExecuteCommandAsync(server, KnownResourceCommands.StopCommand).WaitAsync(CommandBound);
                return stopped.Success ? (OperationType.Ok, "stopped") : (OperationType.Info, stopped.Message ?? "stop not confirmed");
            });
    }

    /// <summary>Region B's subscription disabled when enabled, enabled when disabled; refused when there is none (region B writes).</summary>
    public Task ToggleReplicationAsync() => OperationAsync("replication", NemesisTarget.RegionBDatabase, async () =>
    {
        var enabled = await ReadAsync(NemesisTarget.RegionBDatabase, "SELECT subenabled FROM pg_subscription WHERE subname = $1", LedgerReplication.SubscriptionName);
        if (enabled is not bool on)
        {
            return (OperationType.Fail, "no subscription on region B, or region B did not answer");
        }

        var change = on ? "DISABLE" : "ENABLE";
        return await ExecuteAsync(NemesisTarget.RegionBDatabase, $"ALTER SUBSCRIPTION {LedgerReplication.SubscriptionName} {change}", change.ToLowerInvariant() + "d");
    });

    /// <summary>Region A's synchronous standby set to region B's subscription when none is named, reset when one is.</summary>
    public Task ToggleSyncModeAsync() => OperationAsync("sync-mode", NemesisTarget.RegionADatabase, async () =>
    {
        var names = await ReadAsync(NemesisTarget.RegionADatabase, "SHOW synchronous_standby_names");
        if (names is not string current)
        {
            return (OperationType.Fail, "could not read synchronous_standby_names");
        }

        var set = current.Length == 0
            ? $"ALTER SYSTEM SET synchronous_standby_names = '\"{LedgerReplication.SubscriptionName}\"'"
            : "ALTER SYSTEM RESET synchronous_standby_names";
        return await ExecuteAsync(NemesisTarget.RegionADatabase, set + "; SELECT pg_reload_conf()", current.Length == 0 ? "on" : "off");
    });

    /// <summary>One manager replica killed with SIGKILL (its launcher and the service), or, killed, started again.</summary>
    public Task ToggleReplicaAsync(int index)
    {
        var replica = target.ManagerReplicas[index % target.ManagerReplicas.Count];
        if (_killedReplicas.Contains(replica))
        {
            return OperationAsync("restart", replica, async () =>
            {
                await target.App.ResourceNotifications.WaitForResourceAsync(NemesisTarget.Manager,
                    change => change.ResourceId == replica && change.Snapshot.State?.Text is "Exited" or "Finished" or "FailedToStart").WaitAsync(CommandBound);
                var started = await target.App.ResourceCommands.ExecuteCommandAsync(replica, KnownResourceCommands.StartCommand).WaitAsync(CommandBound);
                if (!started.Success)
                {
                    return (OperationType.Fail, started.Message ?? "start refused");
                }

                _killedReplicas.Remove(replica);
                await target.App.ResourceNotifications.WaitForResourceAsync(NemesisTarget.Manager,
                    change => change.ResourceId == replica && change.Snapshot.State?.Text == KnownResourceStates.Running && ReplicaAddress.Of(change.Snapshot) is not null)
                    .WaitAsync(HealthyBound);
                return (OperationType.Ok, "running");
            });
        }

        return OperationAsync("kill-9", replica, async () =>
        {
            var launcher = ExecutablePid(replica);
            _killedReplicas.Add(replica);
            await ProcessSignals.KillAsync(ProcessSignals.Tree(launcher));
            return (OperationType.Ok, $"SIGKILL below launcher {launcher}");
        });
    }

    /// <summary>
    /// The switch the routing calls for (a failover while region A writes, a failback otherwise) on the first replica
    /// still running, one second per step, and that replica killed after <paramref name="killAfter"/> unless it
    /// answered first. <c>info</c> when killed: the survivor decides the outcome, and the heal and the checker judge it.
    /// </summary>
    public Task KillCoordinatorMidSwitchAsync(TimeSpan killAfter) => OperationAsync("kill-coordinator", NemesisTarget.Manager, async () =>
    {
        var replica = target.ManagerReplicas.FirstOrDefault(name => !_killedReplicas.Contains(name));
        if (replica is null || !target.App.ResourceNotifications.TryGetCurrentState(replica, out var state)
            || ReplicaAddress.Of(state.Snapshot) is not { } address)
        {
            return (OperationType.Fail, "no running replica to coordinate");
        }

        var failback = await DrStateAsync() is { } drState && drState.GetProperty("ActiveRegion").GetString() != DrRegions.Home;
        using var client = new HttpClient { BaseAddress = new Uri($"http://{address}"), Timeout = NemesisTarget.DrCallTimeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", target.AdminKey);
        var call = failback
            ? client.PostAsync("/dr/failback", JsonContent.Create(new { Reason = "nemesis: coordinator killed", StepPauseSeconds = 1 }))
            : client.PostAsync("/dr/failover", JsonContent.Create(new { Reason = "nemesis: coordinator killed", AcceptDataLoss = true, StepPauseSeconds = 1 }));
        if (await Task.WhenAny(call, Task.Delay(killAfter)) == call)
        {
            using var answered = await call;
            return (answered.IsSuccessStatusCode ? OperationType.Ok : OperationType.Fail, $"{(failback ? "failback" : "failover")} answered {(int)answered.StatusCode} before the kill");
        }

        var launcher = ExecutablePid(replica);
        _killedReplicas.Add(replica);
        await ProcessSignals.KillAsync(ProcessSignals.Tree(launcher));
        try
        {
            using var lost = await call.WaitAsync(CommandBound);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or TimeoutException)
        {
            // The coordinator is gone: its answer with it.
        }

        return (OperationType.Info, $"{(failback ? "failback" : "failover")} on {replica} killed {killAfter.TotalMilliseconds:0} ms in");
    });

    /// <summary><c>chaos:dr:routing</c> deleted with the admin's Redis.</summary>
    public Task LoseRoutingAsync() => OperationAsync("lose-routing", NemesisTarget.Redis, async () =>
    {
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(target.RedisConnectionString).WaitAsync(CommandBound);
        var deleted = await redis.GetDatabase().KeyDeleteAsync(DrRedisKeys.Routing).WaitAsync(CommandBound);
        return (OperationType.Ok, deleted ? "deleted" : "was absent");
    });

    /// <summary>Whether Redis holds the routing (false also when Redis does not answer).</summary>
    public async Task<bool> RoutingStoredAsync()
    {
        try
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(target.RedisConnectionString).WaitAsync(SqlBound);
            return await redis.GetDatabase().KeyExistsAsync(DrRedisKeys.Routing).WaitAsync(SqlBound);
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
        {
            return false;
        }
    }

    /// <summary>redis-server (and anything below it) frozen with SIGSTOP, or thawed.</summary>
    public Task ToggleRedisAsync()
    {
        if (_frozenRedis.Length > 0)
        {
            return OperationAsync("thaw", NemesisTarget.Redis, async () =>
            {
                await ProcessSignals.ContinueAsync(_frozenRedis);
                _frozenRedis = [];
                return (OperationType.Ok, "SIGCONT");
            });
        }

        return OperationAsync("freeze", NemesisTarget.Redis, async () =>
        {
            var processes = ProcessSignals.Tree(ExecutablePid(NemesisTarget.Redis));
            _frozenRedis = processes;
            await ProcessSignals.StopAsync(processes);
            return (OperationType.Ok, $"SIGSTOP {processes.Length} processes");
        });
    }

    /// <summary>A DR call as an operator makes it: 2xx ok; 4xx or 503 fail (the manager refused or undid it); anything else info.</summary>
    public Task DrCallAsync(string function, string path, HttpContent? body) => OperationAsync(function, path, async () =>
    {
        using var response = await target.ManagerClient.PostAsync(path, body).WaitAsync(NemesisTarget.DrCallTimeout);
        var text = await response.Content.ReadAsStringAsync();
        var type = response.IsSuccessStatusCode ? OperationType.Ok
            : (int)response.StatusCode is >= 400 and < 500 || response.StatusCode == HttpStatusCode.ServiceUnavailable ? OperationType.Fail
            : OperationType.Info;
        return (type, $"{(int)response.StatusCode} {Summary(text)}");
    });

    /// <summary>GET /dr/state, or null when no manager answers.</summary>
    public async Task<JsonElement?> DrStateAsync()
    {
        try
        {
            using var response = await target.ManagerClient.GetAsync("/dr/state").WaitAsync(TimeSpan.FromSeconds(10));
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Invoke, run <paramref name="operation"/>, complete; an exception is <c>info</c> (the fault may or may not have taken).</summary>
    public async Task<OperationType> OperationAsync(string function, string value, Func<Task<(OperationType Type, string Detail)>> operation)
    {
        history.Invoke(Process, function, value);
        try
        {
            var (type, detail) = await operation();
            history.Complete(Process, type, function, $"{value}: {detail}");
            return type;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            history.Complete(Process, OperationType.Info, function, $"{value}: {ex.GetType().Name}: {ex.Message}");
            return OperationType.Info;
        }
    }

    /// <summary>One SQL statement as the superuser: a connection that never opened is <c>fail</c>, a server error <c>fail</c>, a lost answer <c>info</c>.</summary>
    public async Task<(OperationType, string)> ExecuteAsync(string database, string sql, string done)
    {
        await using var connection = new NpgsqlConnection(target.ConnectionString(database));
        try
        {
            await connection.OpenAsync().WaitAsync(SqlBound);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
        {
            return (OperationType.Fail, $"no connection: {ex.Message}");
        }

        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync().WaitAsync(SqlBound);
            return (OperationType.Ok, done);
        }
        catch (PostgresException ex)
        {
            return (OperationType.Fail, ex.MessageText);
        }
    }

    /// <summary>One value as the superuser, or null when the server does not answer within the bound.</summary>
    public async Task<object?> ReadAsync(string database, string sql, params object[] parameters)
    {
        try
        {
            await using var connection = new NpgsqlConnection(target.ConnectionString(database));
            await connection.OpenAsync().WaitAsync(SqlBound);
            await using var command = new NpgsqlCommand(sql, connection);
            foreach (var parameter in parameters)
            {
                command.Parameters.Add(new() { Value = parameter });
            }

            return await command.ExecuteScalarAsync().WaitAsync(SqlBound);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return null;
        }
    }

    private int ExecutablePid(string resourceId)
    {
        if (!target.App.ResourceNotifications.TryGetCurrentState(resourceId, out var state))
        {
            throw new InvalidOperationException($"No state for {resourceId}.");
        }

        return Convert.ToInt32(state.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
    }

    private static string Summary(string body)
    {
        try
        {
            var root = JsonDocument.Parse(body).RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return string.Empty;
            }

            string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False
                ? $"{name}={value}" : null;
            return string.Join(' ', SummaryFields.Select(Text).OfType<string>());
        }
        catch (JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }
}
