using AtlasBank.Chaos.DeployRehearsal;

// ./build.sh rehearse-deploy: the app from its published manifest alone. Exit 0 when every check passed.
var repository = args.Length > 0 ? Path.GetFullPath(args[0]) : Directory.GetCurrentDirectory();
var configuration = args.Length > 1 ? args[1] : "Release";
var run = Path.Combine(Path.GetTempPath(), $"atlasbank-rehearsal-{Guid.NewGuid():N}");
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, cancel) =>
{
    cancel.Cancel = true;
    stop.Cancel();
};
try
{
    await new DeployRehearsal(new RehearsalOptions(repository, configuration, run), line => Console.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}"))
        .RunAsync(stop.Token);
    Directory.Delete(run, recursive: true);
    return 0;
}
catch (RehearsalException failure)
{
    Console.Error.WriteLine($"REHEARSAL_FAILED: {failure.Message}\n(logs kept in {run})");
    return 1;
}

