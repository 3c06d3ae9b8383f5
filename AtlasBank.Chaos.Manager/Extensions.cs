namespace Microsoft.Extensions.Hosting;

public static class ChaosManagerServiceExtensions
{
    /// <summary>Chaos state lives in Redis; the audit trail lives in PostgreSQL (chaosdb).</summary>
    public static IHostApplicationBuilder AddChaosManagerServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.AddNpgsqlDataSource("chaosdb");
        return builder;
    }
}
