using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Features;

namespace Cvr.Tests.Modeling;

/// <summary>
/// The ranks' partial feature states in the shared folder: two ranks that fit on their own blocks end with the fitted
/// pipeline and training features of one machine, byte for byte; a rank waits for every other rank's file, takes only
/// its own run's, refuses a damaged one, and names the rank and file it waited for when none comes.
/// </summary>
public class RankPartialsTests
{
    private static readonly int[] s_tenRows = [.. Enumerable.Range(0, 10)];

    /// <summary>A fit on ten rows of each of two ranks.</summary>
    private static RankFit FitTen(RankPartials partials, int rank)
    {
        var days = new ShardDays(new Dictionary<int, int> { [45] = 10 }, new Dictionary<int, int> { [45] = 2 });
        var shards = new RankShards(rank, (0, 10), [days, days]);
        var split = new DaySplit(66, 45, 45, s_tenRows, []) { Ranks = shards.RowsOf(d => d < 66) };
        return partials.Fit(split, shards, 10, FeatureConfig.Default);
    }

    private static RankPartials Rank(string dir, int rank, double timeoutSeconds = 60, string data = "data-a", string build = "build-a")
        => new(dir, new RankPartition(rank, 2), TimeSpan.FromSeconds(timeoutSeconds), build, data, CancellationToken.None);

    [Fact]
    public void Fit_TwoRanksThroughTheFolder_EveryRankHasOneMachinesPipelineAndTrainingFeatures()
    {
        using var dir = new TempDir();
        var train = FeatureFrames.Default(3_000, seed: 41);
        var one = DaySplit.Of(train, 66);
        int[] probe = [.. one.TrainRows.Where((_, i) => i % 3 == 0)]; // a second fit of the run, as feature selection's probes
        var config = ShardedFitTests.Config("every_step");
        var pipeline = new FeaturePipeline(config);
        var alone = pipeline.FitForTraining(train, one.TrainRows);
        var aloneProbe = pipeline.Fit(train, probe);
        var frames = RankFrames.Of(train, [1_234, 3_000], 66);

        var ranks = RunRanks(2, r =>
        {
            var (frame, shards) = frames[r];
            var split = DaySplit.Of(frame, 66, shards);
            var probeSplit = FeatureSelection.EveryKthRow(split, 3);
            var partials = Rank(dir.Path, r);
            partials.RemoveOwn();
            var first = pipeline.FitForTraining(frame, probeSplit.TrainRows, null, null, partials.Fit(probeSplit, shards, frame.RowCount, config)).Pipeline;
            var features = pipeline.FitForTraining(frame, split.TrainRows, null, null, partials.Fit(split, shards, frame.RowCount, config));
            var (start, end) = split.Ranks!.Block;
            return (Probe: first, Features: features, Block: Enumerable.Range(start, end - start).ToArray());
        });

        var expected = alone.Transform();
        foreach (var (probeFit, features, block) in ranks)
        {
            Assert.Equal(aloneProbe.ToJson(), probeFit.ToJson());
            Assert.Equal(alone.Pipeline.ToJson(), features.Pipeline.ToJson());
            // Every rank transforms its training rows with the merged pipeline (encodings out of fold over every row).
            Assert.True(expected.SelectRows(block).Data.AsSpan().SequenceEqual(features.Transform(block).Data), "the training features differ from one machine's");
        }
        foreach (var file in new[] { "features-00-base.rank-0.partials", "features-01-rest.rank-1.partials" })
        {
            Assert.True(File.Exists(dir.File(file)), file);
        }
    }

    [Fact]
    public void Exchange_NoFileOfTheOtherRank_IoErrorNamingRankAndFile()
    {
        using var dir = new TempDir();
        var fit = FitTen(Rank(dir.Path, 0, timeoutSeconds: 0.3), 0);

        var e = Assert.Throws<IOException>(() => fit.Exchange.Exchange("base", [1, 2, 3]));

        Assert.Equal($"rank 1 wrote no feature partials for fit 0, round base ({dir.File("features-00-base.rank-1.partials")}) within 0 s; the features are not fitted", e.Message);
    }

    [Fact]
    public void Exchange_FileOfAnotherRun_IsWaitedPastAndNamedAtTheTimeout()
    {
        using var dir = new TempDir();
        // Rank 1 of an earlier run, on other data, left its file (and gave up waiting for its rank 0).
        Assert.Throws<IOException>(() => FitTen(Rank(dir.Path, 1, timeoutSeconds: 0.1, data: "data-b"), 1).Exchange.Exchange("base", [7]));
        var fit = FitTen(Rank(dir.Path, 0, timeoutSeconds: 1), 0);

        var e = Assert.Throws<IOException>(() => fit.Exchange.Exchange("base", [1, 2, 3]));

        Assert.Equal($"rank 1 wrote no feature partials for fit 0, round base ({dir.File("features-00-base.rank-1.partials")}) within 1 s; "
            + "the file there is of another run (data data-b, this rank read data-a); the features are not fitted", e.Message);
    }

    [Fact]
    public void Exchange_FileOfAnotherBuild_RefusedAtOnceNamingTheBuild()
    {
        using var dir = new TempDir();
        // Rank 1 runs another build of cvr: it wrote its partials (and, in this test, gave up waiting for rank 0's).
        Assert.Throws<IOException>(() => FitTen(Rank(dir.Path, 1, timeoutSeconds: 0.1, build: "build-b"), 1).Exchange.Exchange("base", [7]));
        var fit = FitTen(Rank(dir.Path, 0, timeoutSeconds: 60), 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var e = Assert.Throws<ConfigurationException>(() => fit.Exchange.Exchange("base", [1, 2, 3]));

        // Not after the time-out: another build's file is there only when its rank runs that build (see RankPartials).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"refused after {clock.Elapsed.TotalSeconds:F1} s");
        Assert.Equal($"rank 1 runs another build of cvr than rank 0 (build-b against build-a: its feature partials {dir.File("features-00-base.rank-1.partials")}): "
            + "start every rank from the same build; the features are not fitted", e.Message);
    }

    [Fact]
    public async Task Exchange_FileOfAnotherRunThenThisRunsOwn_ReadsThisRuns()
    {
        using var dir = new TempDir();
        Assert.Throws<IOException>(() => FitTen(Rank(dir.Path, 1, timeoutSeconds: 0.1, data: "data-b"), 1).Exchange.Exchange("base", [7]));
        var rank0 = Task.Factory.StartNew(() => FitTen(Rank(dir.Path, 0), 0).Exchange.Exchange("base", [1, 2, 3]),
            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.Delay(300); // rank 0 is waiting past the earlier run's file

        var rank1 = FitTen(Rank(dir.Path, 1), 1).Exchange.Exchange("base", [9, 9]);

        Assert.Equal<byte[]>([[1, 2, 3], [9, 9]], [.. (await rank0).Select(p => p.ToArray())]);
        Assert.Equal<byte[]>([[1, 2, 3], [9, 9]], [.. rank1.Select(p => p.ToArray())]);
    }

    [Fact]
    public void Exchange_DamagedFile_IoErrorSayingSo()
    {
        using var dir = new TempDir();
        Assert.Throws<IOException>(() => FitTen(Rank(dir.Path, 1, timeoutSeconds: 0.1), 1).Exchange.Exchange("base", [7, 7, 7]));
        var file = dir.File("features-00-base.rank-1.partials");
        var bytes = File.ReadAllBytes(file);
        bytes[^33] ^= 1; // the payload's last byte, before the 32 bytes of its digest
        File.WriteAllBytes(file, bytes);
        var fit = FitTen(Rank(dir.Path, 0, timeoutSeconds: 5), 0);

        var e = Assert.Throws<IOException>(() => fit.Exchange.Exchange("base", [1]));

        Assert.StartsWith($"{file}: damaged: its bytes' SHA-256 is ", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveOwn_RemovesThisRanksFilesOnly()
    {
        using var dir = new TempDir();
        foreach (var name in new[] { "features-00-base.rank-0.partials", "features-01-rest.rank-0.partials", "job-shards.rank-0.partials", "features-00-base.rank-1.partials",
            "job-shards.rank-1.partials", "rank-0.digest" })
        {
            dir.Write(name, "x");
        }

        Rank(dir.Path, 0).RemoveOwn();

        Assert.Equal(["features-00-base.rank-1.partials", "job-shards.rank-1.partials", "rank-0.digest"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    private static T[] RunRanks<T>(int ranks, Func<int, T> rank)
    {
        var tasks = Enumerable.Range(0, ranks).Select(r => Task.Factory.StartNew(() => rank(r), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }
}
