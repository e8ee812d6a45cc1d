using Cvr.IO;

namespace Cvr.Tests.IO;

public class AtomicFileTests
{
    [Fact]
    public void Write_CallbackThrowsMidway_LeavesNeitherTargetNorTemporary()
    {
        using var dir = new TempDir();
        var target = dir.File("out/submission.csv");
        var e = Assert.Throws<InvalidOperationException>(() => AtomicFile.WriteText(target, writer =>
        {
            writer.WriteLine("RowId\tis_clicked\tis_installed");
            writer.Flush();
            throw new InvalidOperationException("scoring failed");
        }));
        Assert.Equal("scoring failed", e.Message);
        Assert.False(File.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(dir.File("out")));
    }

    [Fact]
    public void Write_ExistingTargetAndFailure_LeavesTheTargetUntouched()
    {
        using var dir = new TempDir();
        var target = dir.Write("metrics.json", "old");
        Assert.Throws<IOException>(() => AtomicFile.Write(target, stream =>
        {
            stream.Write("new, but only ha"u8);
            throw new IOException("disk full");
        }));
        Assert.Equal("old", File.ReadAllText(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void WriteAllText_ExistingTarget_IsReplacedAndNoTemporaryRemains()
    {
        using var dir = new TempDir();
        var target = dir.Write("metrics.json", "old and longer than the new text");
        AtomicFile.WriteAllText(target, "new ✓");
        Assert.Equal("new ✓"u8.ToArray(), File.ReadAllBytes(target)); // UTF-8 without a byte-order mark
        Assert.Equal([target], Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Write_DuringTheWrite_TargetIsOldAndTemporaryIsAHiddenSibling()
    {
        using var dir = new TempDir();
        var target = dir.Write("study.json", "old");
        AtomicFile.Write(target, stream =>
        {
            stream.Write("new"u8);
            Assert.Equal("old", File.ReadAllText(target));
            var temp = Assert.Single(Directory.GetFiles(dir.Path), f => f != target);
            Assert.StartsWith(".study.json.tmp-", Path.GetFileName(temp));
        });
        Assert.Equal("new", File.ReadAllText(target));
    }
}
