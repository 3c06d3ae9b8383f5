namespace AtlasBank.Chaos.Manager.Drills;

/// <summary>
/// Loads the drill definitions while the manager starts, before it serves anything: a bad file stops the start with
/// every problem, each naming its file and field, in the log and in the exception.
/// </summary>
public sealed partial class DrillCatalogStartup(IServiceProvider services, ILogger<DrillCatalogStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var catalog = services.GetRequiredService<DrillCatalog>();
            if (logger.IsEnabled(LogLevel.Information))
            {
                var names = string.Join(", ", catalog.All.Select(drill => drill.Name));
                LogLoaded(catalog.All.Count, names);
            }

            return Task.CompletedTask;
        }
        catch (DrillDefinitionException ex)
        {
            LogInvalid(ex.Message);
            throw;
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} drill definitions: {Names}.")]
    private partial void LogLoaded(int count, string names);

    [LoggerMessage(Level = LogLevel.Critical, Message = "{Problems}")]
    private partial void LogInvalid(string problems);
}
