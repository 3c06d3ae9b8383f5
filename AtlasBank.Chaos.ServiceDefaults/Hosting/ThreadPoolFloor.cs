namespace AtlasBank.Chaos.Manager.Infrastructure;

/// <summary>
/// The manager's thread pool never starts below <see cref="MinThreads"/>. When PostgreSQL hangs (the outage a
/// drill may be about), Npgsql cancels each timed-out command by opening a new connection inline, on the thread that
/// fired the timeout (npgsql/npgsql#3277, #3696); on a 2-core host the pool starts with 2 threads, so two such
/// cancellations stall every request — the kill switch and drill aborts included — until the pool injects more
/// (measured here: a refused enable took 4.3 to 5.8 s instead of its 3 s bound). Idle threads cost nothing.
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
