namespace AtlasBank.Chaos.ServiceDefaults.Hosting;

/// <summary>
/// No service's thread pool starts below <see cref="MinThreads"/>. When PostgreSQL hangs (the outage a drill may be
/// about), Npgsql cancels each timed-out command by opening a new connection inline, on the thread that fired the
/// timeout (npgsql/npgsql#3277, #3696); on a 2-core host the pool starts with 2 threads, so two such cancellations stall
/// every request until the pool injects more (measured in the manager: a refused enable took 4.3 to 5.8 s instead of its
/// 3 s bound). The ledgers and the agent poll databases too, so every service gets the floor (AddBasicServiceDefaults)
/// rather than the cause removed: skipping the cancellation's wait would leave hung statements running on the server.
/// Idle threads cost nothing.
/// </summary>
public static class ThreadPoolFloor
{
    public const int MinThreads = 64;

    public static void Apply()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinThreads), Math.Max(io, MinThreads));
    }
}
