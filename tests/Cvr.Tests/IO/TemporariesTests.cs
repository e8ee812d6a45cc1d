using Cvr.IO;

namespace Cvr.Tests.IO;

public class TemporariesTests
{
    /// <summary>Above Linux's largest pid_max (2^22), so no process can have it.</summary>
    private const int NoSuchProcess = (1 << 22) + 12_345;

    private static Temporaries.Writer Dead => Temporaries.Current with { ProcessId = NoSuchProcess };

    [Fact]
    public void WriteFile_StaleTemporariesOfDeadWriters_AreRemovedAndLiveOnesKept()
    {
        using var dir = new TempDir();
        var target = dir.File("metrics.json");
        var dead = Temporaries.Name(target, Dead);
        var reused = Temporaries.Name(target, Temporaries.Current with { Started = Temporaries.Current.Started - 3600 }); // our id, another start: a dead writer whose id we got
        var live = Temporaries.Name(target, Temporaries.Current);
        var otherHost = Temporaries.Name(target, Dead with { Host = Temporaries.HostHash(Environment.MachineName + "-elsewhere") });
        var oldFormat = dir.Write($".metrics.json.tmp-{Guid.NewGuid():N}", "no owner in the name");
        var otherTarget = Temporaries.Name(dir.File("submission.csv"), Dead);
        foreach (var file in new[] { dead, reused, live, otherHost, otherTarget }) { File.WriteAllText(file, "half"); }

        AtomicFile.WriteAllText(target, "new");

        Assert.Equal("new", File.ReadAllText(target));
        Assert.False(File.Exists(dead));
        Assert.False(File.Exists(reused));
        Assert.True(File.Exists(live));
        Assert.True(File.Exists(otherHost));
        Assert.True(File.Exists(oldFormat));
        Assert.True(File.Exists(otherTarget)); // a temporary of another target is that writer's to clean
        Assert.Equal(5, Directory.GetFileSystemEntries(dir.Path).Length);
    }

    [Fact]
    public void BuildFolder_DeadWritersFolderIsRemovedAndItsMovedAsideTargetRestored()
    {
        using var dir = new TempDir();
        var target = dir.File("model");
        var deadBuild = Temporaries.Name(target, Dead);
        Directory.CreateDirectory(deadBuild);
        File.WriteAllText(Path.Combine(deadBuild, "e2e.txt"), "half a model");
        // It died mid-swap: the previous bundle moved aside, the new one not yet in place.
        var aside = Temporaries.Name(target, Dead) + Temporaries.AsideSuffix;
        Directory.CreateDirectory(aside);
        File.WriteAllText(Path.Combine(aside, "manifest.json"), "previous");

        var temp = AtomicFolder.TemporarySibling(target);

        Assert.False(Directory.Exists(deadBuild));
        Assert.False(Directory.Exists(aside));
        Assert.Equal("previous", File.ReadAllText(Path.Combine(target, "manifest.json")));
        Assert.StartsWith($".model.tmp-{Temporaries.Current}-", Path.GetFileName(temp), StringComparison.Ordinal);
        Assert.False(Path.Exists(temp));
    }

    [Fact]
    public void Owner_NameOfThisProcess_IsAliveAndParsesBack()
    {
        var name = Path.GetFileName(Temporaries.Name("/x/cache.arrow", Temporaries.Current));
        var owner = Temporaries.Owner(name[".cache.arrow.tmp-".Length..]);
        Assert.Equal(Temporaries.Current, owner);
        Assert.False(Temporaries.IsDead(owner!.Value));
        Assert.True(Temporaries.IsDead(Dead));
        Assert.Null(Temporaries.Owner(Guid.NewGuid().ToString("N")));
    }
}
