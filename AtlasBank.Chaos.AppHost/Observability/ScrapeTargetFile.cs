using System.Text.Json;
using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.AppHost.Observability;

/// <summary>One Prometheus file_sd target group per replica: its address and the replica's name as a label.</summary>
public sealed record ScrapeTarget(string Replica, string Address);

public static class ScrapeTargetFile
{
    public static async Task WriteAsync(string path, IEnumerable<ScrapeTarget> targets, CancellationToken cancellationToken)
    {
        var groups = targets
            .OrderBy(target => target.Replica, StringComparer.Ordinal)
            .Select(target => new Dictionary<string, object>
            {
                ["targets"] = new[] { target.Address },
                ["labels"] = new Dictionary<string, string> { ["replica"] = target.Replica },
            });

        // A replica may start before Prometheus has prepared its folder.
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        // Write beside, then rename: Prometheus never reads half a file.
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, JsonSerializer.Serialize(groups), cancellationToken);
        UnixPermissions.Set(temporary, UnixPermissions.Readable);
        File.Move(temporary, path, overwrite: true);
    }
}
