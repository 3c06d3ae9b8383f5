using AtlasBank.Chaos.Hosting;

namespace AtlasBank.Chaos.Tests.AppHost;

public sealed class RunDirectoryTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"atlasbank-rundir-test-{Guid.NewGuid():N}");

    [Fact]
    public void FoldersOfDeadRunsAreRemovedAndLiveOnesKept()
    {
        var live = RunDirectory.Create(_root);
        var dead = Path.Combine(_root, "run-dead");
        Directory.CreateDirectory(Path.Combine(dead, "postgres"));
        // int.MaxValue is above any pid the kernel hands out.
        File.WriteAllText(Path.Combine(dead, "owner.pid"), int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var orphan = Path.Combine(_root, "run-without-owner");
        Directory.CreateDirectory(orphan);

        var removed = RunDirectory.RemoveStale(_root);

        Assert.Equal(2, removed);
        Assert.False(Directory.Exists(dead));
        Assert.False(Directory.Exists(orphan));
        Assert.True(Directory.Exists(live.Path));
    }

    [Fact]
    public void ANewRunGetsItsOwnFolder()
    {
        var first = RunDirectory.Create(_root);
        var second = RunDirectory.Create(_root);

        Assert.NotEqual(first.Path, second.Path);
        second.Delete();
        Assert.False(Directory.Exists(second.Path));
        Assert.True(Directory.Exists(first.Path));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}
