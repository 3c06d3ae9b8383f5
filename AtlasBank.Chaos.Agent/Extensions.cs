namespace Microsoft.Extensions.Hosting;

public static class ChaosAgentServiceExtensions
{
    public const string PrimaryLedgerClient = "ledgerapi";
    public const string DrLedgerClient = "ledgerapi-dr";

    /// <summary>The agent stores comparisons in Redis and talks to both ledgers through service discovery.</summary>
    public static IHostApplicationBuilder AddChaosAgentServices(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");
        builder.Services.AddHttpClient(PrimaryLedgerClient, client => client.BaseAddress = new Uri("http://ledgerapi"));
        builder.Services.AddHttpClient(DrLedgerClient, client => client.BaseAddress = new Uri("http://ledgerapi-dr"));
        return builder;
    }
}
