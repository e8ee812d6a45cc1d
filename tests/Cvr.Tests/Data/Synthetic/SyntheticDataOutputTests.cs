using System.Security.Cryptography;
using Cvr.Data.Synthetic;

namespace Cvr.Tests.Data.Synthetic;

/// <summary>Reproducibility, atomic output and option validation of <see cref="SyntheticData.Generate"/>.</summary>
public sealed class SyntheticDataOutputTests : IDisposable
{
    private const double TinyScale = 0.003;
    private readonly string _root = Path.Combine(Path.GetTempPath(), "cvr-gen-out-" + Guid.NewGuid().ToString("N"));

    public SyntheticDataOutputTests() => Directory.CreateDirectory(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Path.Combine(_root, name);

    private static Dictionary<string, string> Hashes(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).ToDictionary(
            f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void Generate_SameSeedTwice_WritesByteIdenticalFiles()
    {
        SyntheticData.Generate(Dir("a"), new GeneratorOptions(TinyScale, Seed: 5));
        SyntheticData.Generate(Dir("b"), new GeneratorOptions(TinyScale, Seed: 5));
        var a = Hashes(Dir("a"));
        Assert.Equal(6, a.Count); // 2 train shards, the test file, truth/train.csv, test.csv and story.json
        Assert.Equal(a, Hashes(Dir("b")));
    }

    [Fact]
    public void ShardWriterGenerate_TestDay_YieldsTheRowsOfTheTestTruthFile()
    {
        SyntheticData.Generate(Dir("a"), new GeneratorOptions(TinyScale, Seed: 5));
        var truth = File.ReadAllLines(Path.Combine(Dir("a"), "truth", "test.csv")).Skip(1)
            .Select(line => line.Split('\t').Select(v => double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray()).ToArray();
        var rows = new List<double[]>();
        new ShardWriter(new World(5, new StoryParameters())).Generate(Streams.Test, 1, truth.Length, _ => RealData.TestDay, row =>
            rows.Add([row.Id, row.Clicked ? 1 : 0, row.Installed ? 1 : 0, row.PLike, row.PInstallGivenLike, row.PInstalled, row.PClicked]));
        Assert.Equal(truth.Length, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(truth[i][..3], rows[i][..3]);
            for (var k = 3; k < 7; k++) { Assert.Equal(truth[i][k], rows[i][k], 1e-12); }
        }
    }

    [Fact]
    public void Generate_DifferentSeeds_WriteDifferentFiles()
    {
        SyntheticData.Generate(Dir("a"), new GeneratorOptions(TinyScale, Seed: 5));
        SyntheticData.Generate(Dir("b"), new GeneratorOptions(TinyScale, Seed: 6));
        var a = Hashes(Dir("a"));
        var b = Hashes(Dir("b"));
        Assert.NotEqual(a[Path.Combine("train", "000000000000.csv")], b[Path.Combine("train", "000000000000.csv")]);
        Assert.NotEqual(a[Path.Combine("test", "000000000000.csv")], b[Path.Combine("test", "000000000000.csv")]);
    }

    [Fact]
    public void Generate_NonEmptyTarget_RefusesAndLeavesItUntouched()
    {
        Directory.CreateDirectory(Dir("x"));
        File.WriteAllText(Path.Combine(Dir("x"), "keep.txt"), "mine");
        var error = Assert.Throws<IOException>(() => SyntheticData.Generate(Dir("x"), new GeneratorOptions(TinyScale)));
        Assert.Contains("not empty", error.Message);
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(Dir("x")).Select(f => Path.GetFileName(f)));
        Assert.Equal(["x"], Directory.GetFileSystemEntries(_root).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void Generate_NonEmptyTargetWithOverwrite_ReplacesIt()
    {
        Directory.CreateDirectory(Dir("x"));
        File.WriteAllText(Path.Combine(Dir("x"), "old.txt"), "old");
        SyntheticData.Generate(Dir("x"), new GeneratorOptions(TinyScale, Overwrite: true));
        Assert.False(File.Exists(Path.Combine(Dir("x"), "old.txt")));
        Assert.True(File.Exists(Path.Combine(Dir("x"), "test", "000000000000.csv")));
        Assert.Equal(["x"], Directory.GetFileSystemEntries(_root).Select(f => Path.GetFileName(f)));
    }

    [Fact]
    public void Generate_EmptyExistingTarget_FillsIt()
    {
        Directory.CreateDirectory(Dir("x"));
        SyntheticData.Generate(Dir("x"), new GeneratorOptions(TinyScale));
        Assert.Equal(["test", "train", "truth"], Directory.GetDirectories(Dir("x")).Select(f => Path.GetFileName(f)).Order());
    }

    [Fact]
    public void Generate_CancelledMidway_LeavesNoOutput()
    {
        using var cts = new CancellationTokenSource();
        var cancelOnFirstReport = new InlineProgress(_ => cts.Cancel());
        Assert.ThrowsAny<OperationCanceledException>(() =>
            SyntheticData.Generate(Dir("x"), new GeneratorOptions(0.05), cancelOnFirstReport, cts.Token));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(10.5)]
    [InlineData(double.NaN)]
    public void Generate_InvalidScale_ThrowsConfigurationExceptionAndWritesNothing(double scale)
    {
        var error = Assert.Throws<ConfigurationException>(() => SyntheticData.Generate(Dir("x"), new GeneratorOptions(scale)));
        Assert.Equal("scale", error.Setting);
        Assert.StartsWith("scale must be greater than 0", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public void Generate_TrainShardsOption_WritesThatManyFiles()
    {
        var summary = SyntheticData.Generate(Dir("x"), new GeneratorOptions(TinyScale, TrainShards: 3));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(Dir("x"), "train")).Length);
        Assert.Equal(3, summary.TrainFiles.Count);
        Assert.Throws<ConfigurationException>(() => SyntheticData.Generate(Dir("y"), new GeneratorOptions(TinyScale, TrainShards: 0)));
    }

    /// <summary>Reports synchronously (Progress&lt;T&gt; posts to the thread pool, too late for the test).</summary>
    private sealed class InlineProgress(Action<GenerationProgress> action) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => action(value);
    }
}
