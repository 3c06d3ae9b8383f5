using System.Diagnostics;

namespace AtlasBank.Chaos.Hosting;

/// <summary>
/// The folder that holds this AppHost run's Redis and PostgreSQL data in processes mode. Each run gets a new
/// one; folders left by runs whose AppHost is gone (killed, crashed) are removed when the next run starts.
/// </summary>
public sealed class RunDirectory
{
    private const string OwnerFileName = "owner.pid";
    private const string Prefix = "run-";

    private RunDirectory(string path) => Path = path;

    public string Path { get; }

    public static string DefaultRoot => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "atlasbank-chaos");

    public static RunDirectory Create(string root)
    {
        Directory.CreateDirectory(root);
        // postgres runs as its own user and must be able to reach its data folder below this one.
        UnixPermissions.Set(root, UnixPermissions.Traversable);
        RemoveStale(root);

        var path = System.IO.Path.Combine(root, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..(Prefix.Length + 20)]);
        Directory.CreateDirectory(path);
        UnixPermissions.Set(path, UnixPermissions.Traversable);
        File.WriteAllText(System.IO.Path.Combine(path, OwnerFileName), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return new RunDirectory(path);
    }

    public string Subdirectory(string name) => System.IO.Path.Combine(Path, name);

    public void Delete() => TryDelete(Path);

    /// <summary>Removes run folders whose owning AppHost process no longer exists.</summary>
    public static int RemoveStale(string root)
    {
        var removed = 0;
        foreach (var candidate in Directory.EnumerateDirectories(root, Prefix + "*"))
        {
            if (OwnerIsAlive(candidate))
            {
                continue;
            }

            if (TryDelete(candidate))
            {
                removed++;
            }
        }

        return removed;
    }

    private static bool OwnerIsAlive(string directory)
    {
        var ownerFile = System.IO.Path.Combine(directory, OwnerFileName);
        if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var pid))
        {
            return false;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
