namespace Cvr.Cli.Tests.Shapes;

/// <summary>
/// The data-shape matrix: data our generator never makes, through the real commands in child processes under glibc's
/// heap checker (<see cref="HeapCheckedCli"/>). Each shape trains and scores, or stops with a located message and a
/// documented exit code — never an abort, never a hang.
/// </summary>
[Collection(nameof(DataShapeTests))]
public partial class DataShapeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    /// <summary>
    /// Numeric columns non-zero only on liked rows (half of them there, none elsewhere): sparse over the training rows,
    /// dense over stage 2's liked rows. LightGBM 4.7.0 sized a Dataset subset's multi-value bin from the parent's sparse
    /// statistics, so 16-bit row pointers overflowed and `cvr train` aborted with "free(): invalid next size" (exit 134)
    /// while building the install booster (docs/lightgbm-subset-overflow.md). Stage 2 now bins its rows on its own.
    /// </summary>
    [Fact]
    public void Train_ColumnsDenseOnlyAmongLikedRows_TrainsAndPredicts()
    {
        var data = DataShapes.DenseOnLikedRows();
        using var dir = new TempDir();
        data.Write(dir.File("data"));

        AssertTrainsAndPredicts(dir, "--max-rounds", "20");
    }

    /// <summary>
    /// Stage 2 and categoricals at size: 400,000 training rows over four shards, a quarter liked (~95,000 liked training
    /// rows, the size at which the subset overflow of docs/lightgbm-subset-overflow.md was met), numerics dense on the
    /// liked rows only, and f_4, f_6 and f_15 holding one id per row (402,000 levels each, codes spread over int32; f_4 and
    /// f_6 equal, so the default cross f_4@f_6 has 402,000 pairs whose halves XOR alike). Five rounds: the point is the
    /// features and Datasets, not the trees (~25 CPU seconds of cvr train, 2.9 GB peak).
    /// </summary>
    [Fact]
    public void TrainAndPredict_HundredThousandLikedRows_AndALevelPerRow()
    {
        var data = ShapeData.Plain(400_000, testRows: 2_000, likeShare: 0.25);
        var random = new Random(5);
        var id = 0L;
        foreach (var row in data.All)
        {
            var level = (++id * 2_654_435_761L % int.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture);
            row.Cells[4] = row.Cells[6] = row.Cells[15] = level;
            if (!row.Liked) { continue; }
            for (var c = 42; c <= 79; c++)
            {
                if (random.NextDouble() < 0.5) { row.SetNumeric(c, random.Next(1, 50)); }
            }
        }
        using var dir = new TempDir();
        data.Write(dir.File("data"), trainShards: 4);
        AssertTrainsAndPredicts(dir, "--max-rounds", "5", "--select-features", "0");
    }

    /// <summary>Each shape of <see cref="DataShapes"/> through <c>cvr train</c> (fast preset, 20 rounds, no feature
    /// selection) and <c>cvr predict</c>, or refused by <c>cvr train</c> with its located message, a documented exit code
    /// and no bundle.</summary>
    [Theory]
    [MemberData(nameof(DataShapes.Names), MemberType = typeof(DataShapes))]
    public void TrainAndPredict_Shape(string name)
    {
        var shape = DataShapes.Named(name);
        using var dir = new TempDir();
        shape.Build().Write(dir.File("data"), shape.TrainShards);
        string[] options = ["--max-rounds", "20", "--select-features", "0"];
        if (shape.Config is { } config)
        {
            File.WriteAllText(dir.File("config.json"), config);
            options = [.. options, "--config", dir.File("config.json")];
        }
        if (shape.Refusal is { } refusal)
        {
            AssertTrainRefuses(dir, refusal, options);
        }
        else
        {
            AssertTrainsAndPredicts(dir, options);
        }
    }

    /// <summary>Feature selection on shapes where every feature's gain may be zero or the probes learn nothing.</summary>
    [Theory]
    [InlineData("every-feature-constant")]
    [InlineData("every-feature-missing")]
    [InlineData("thirty-liked-rows")]
    public void TrainWithFeatureSelection_Shape(string name)
    {
        using var dir = new TempDir();
        DataShapes.Named(name).Build().Write(dir.File("data"));
        AssertTrainsAndPredicts(dir, "--max-rounds", "20");
    }

    private static void AssertTrainRefuses(TempDir dir, Refusal refusal, params string[] trainOptions)
    {
        var before = Directory.GetFileSystemEntries(dir.Path).Order().ToArray();
        var (exit, _, err) = HeapCheckedCli.Run(Timeout, ["train", "--data", dir.File("data"), "--out", dir.File("model"), "-q", .. trainOptions]);
        HeapCheckedCli.AssertExit("train", exit, err, refusal.Exit);
        foreach (var fragment in refusal.Fragments) { Assert.Contains(fragment, err, StringComparison.Ordinal); }
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(before, Directory.GetFileSystemEntries(dir.Path).Order()); // no bundle, no hidden temporary folder
    }

    /// <summary>Trains a bundle from <c>data</c> under <paramref name="dir"/> and scores its test shard, each step exiting 0
    /// under the heap checker.</summary>
    private static void AssertTrainsAndPredicts(TempDir dir, params string[] trainOptions)
    {
        // One cache folder for both: train writes the Arrow cache of the test split, predict reads it back (the
        // cache's unsafe reader sees the shape too).
        var (exit, _, err) = HeapCheckedCli.Run(Timeout, ["train", "--data", dir.File("data"), "--out", dir.File("model"), "--cache-dir", dir.File("cache"), "-q", .. trainOptions]);
        HeapCheckedCli.AssertExit("train", exit, err);
        Assert.True(File.Exists(dir.File("model/manifest.json")));

        (exit, _, err) = HeapCheckedCli.Run(Timeout, "predict", "--model", dir.File("model"), "--data", dir.File("data"), "--out", dir.File("submission.csv"),
            "--cache-dir", dir.File("cache"), "-q");
        HeapCheckedCli.AssertExit("predict", exit, err);
        var lines = File.ReadAllLines(dir.File("submission.csv"));
        Assert.Equal(ShapeRowsOf(dir.File("data/test/000000000000.csv")) + 1, lines.Length);
        foreach (var line in lines.Skip(1))
        {
            var p = double.Parse(line.Split('\t')[2], System.Globalization.CultureInfo.InvariantCulture);
            Assert.True(p is >= 0 and <= 1, $"is_installed {p} in '{line}'");
        }
    }

    private static int ShapeRowsOf(string file) => File.ReadAllLines(file).Length - 1;
}
