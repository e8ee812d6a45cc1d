using Cvr.Data;
using Cvr.Data.Cache;

namespace Cvr.Tests.Data;

public class FrameCacheTests
{
    private static readonly ReadOptions s_options = new() { RequireLabels = true };

    [Fact]
    public void ReadThrough_SecondRead_ComesFromTheCacheAndIsIdentical()
    {
        using var dir = new TempDir();
        var source = dir.Write("train/000000000000.csv", Samples.Text());
        var cache = dir.File("cache");
        var parsed = FrameCache.ReadThrough(dir.File("train"), s_options, cache);
        var files = Directory.GetFiles(cache, "*.arrow");
        Assert.Single(files);

        var cached = FrameCache.TryRead(files[0], FrameCache.Key([source]));
        Assert.NotNull(cached);
        FrameReaderTests.AssertSame(parsed, cached);
        FrameReaderTests.AssertSame(parsed, FrameCache.ReadThrough(dir.File("train"), s_options, cache));
    }

    [Fact]
    public void ReadThrough_SourceChanged_ParsesAgain()
    {
        using var dir = new TempDir();
        var source = dir.Write("train/000000000000.csv", Samples.Text());
        var cache = dir.File("cache");
        FrameCache.ReadThrough(dir.File("train"), s_options, cache);

        dir.Write("train/000000000000.csv", Samples.Text(Samples.Rows[0]));
        File.SetLastWriteTimeUtc(source, DateTime.UtcNow.AddMinutes(1));
        var reread = FrameCache.ReadThrough(dir.File("train"), s_options, cache);
        Assert.Equal(1, reread.RowCount);
    }

    [Fact]
    public void ReadThrough_ShardAdded_ParsesAgain()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text(Samples.Rows[0]));
        var cache = dir.File("cache");
        Assert.Equal(1, FrameCache.ReadThrough(dir.File("train"), s_options, cache).RowCount);
        dir.Write("train/000000000001.csv", Samples.Text(Samples.Rows[1]));
        Assert.Equal(2, FrameCache.ReadThrough(dir.File("train"), s_options, cache).RowCount);
    }

    [Fact]
    public void ReadThrough_CorruptCache_ParsesAgain()
    {
        using var dir = new TempDir();
        dir.Write("train/000000000000.csv", Samples.Text());
        var cache = dir.File("cache");
        var parsed = FrameCache.ReadThrough(dir.File("train"), s_options, cache);
        var file = Directory.GetFiles(cache, "*.arrow").Single();
        File.WriteAllBytes(file, [1, 2, 3, 4, 5]);
        FrameReaderTests.AssertSame(parsed, FrameCache.ReadThrough(dir.File("train"), s_options, cache));
    }

    [Fact]
    public void ReadThrough_CachedFrameWithoutLabels_StillRejectedAsTrain()
    {
        using var dir = new TempDir();
        dir.Write("test/000000000000.csv", "f_0\tf_1\tf_2\n1\t67\t5\n");
        var cache = dir.File("cache");
        FrameCache.ReadThrough(dir.File("test"), new ReadOptions { DisplayRoot = dir.Path }, cache);
        var e = Assert.Throws<DataFormatException>(() => FrameCache.ReadThrough(dir.File("test"),
            new ReadOptions { RequireLabels = true, DisplayRoot = dir.Path }, cache));
        Assert.Contains("test/000000000000.csv: line 1", e.Message);
    }
}
