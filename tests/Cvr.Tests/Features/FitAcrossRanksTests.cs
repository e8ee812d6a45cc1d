using Cvr.Data;
using Cvr.Features;
using static Cvr.Tests.Features.RankThreads;

namespace Cvr.Tests.Features;

/// <summary>
/// A fit across ranks: each rank fits its own range of rows, its partial states go through their serialised form
/// (<see cref="PartialFormat"/>) to every rank, and every rank merges them in rank order — and every rank ends with the
/// pipeline of one fit on every row, byte for byte (the bundle's features.json).
/// </summary>
public class FitAcrossRanksTests
{
    private const int Rows = 3_000;

    /// <summary>Every configuration of <see cref="ShardedFitTests"/>, on 1, 2 (uneven) and 3 ranks (one with a single row).</summary>
    public static TheoryData<string, int[]> Cases() => ShardedFitTests.UnevenCases(Rows);

    [Theory]
    [MemberData(nameof(Cases))]
    public void FitAcrossRanks_EveryRank_GetsTheBytesOfOneFit(string which, int[] ends)
    {
        var train = FeatureFrames.Default(Rows, seed: 31);
        var test = which == "train_and_test" ? FeatureFrames.Default(500, seed: 32, firstRowId: Rows + 1, day: 67) : null;
        int[]? rows = which == "fitting_subset" ? [.. Enumerable.Range(0, Rows).Where(r => r % 5 != 2)] : null;
        // Slices of 97 rows: every rank boundary cuts through a slice of the group statistics.
        var pipeline = new FeaturePipeline(ShardedFitTests.Config(which)) { StatisticsSliceRows = 97 };
        var exchange = new MemoryExchange(ends.Length);

        var fitted = RunRanks(ends.Length, r => pipeline.FitAcrossRanks(train, new RankFit(r, ends, exchange.Of(r)), rows, test).ToJson());

        var whole = pipeline.Fit(train, rows, test).ToJson();
        Assert.All(fitted, json => Assert.Equal(whole, json));
        // Every round went through the exchange: base columns, date_mod and the first crosses, the cross of a cross, the rest.
        Assert.Equal(["base", "keys-1", "keys-2", "rest"], exchange.Rounds);
    }

    /// <summary>The training rows' features (out of fold, as of their day, crosses as of their day) on 2 and 3 ranks.</summary>
    public static TheoryData<string, int[]> TrainingCases()
    {
        var data = new TheoryData<string, int[]>();
        foreach (var which in new[] { "every_step", "fitting_subset", "as_of", "crosses_as_of" })
        {
            data.Add(which, [2_731, Rows]);
            data.Add(which, [1, 1_000, Rows]);
        }
        return data;
    }

    /// <summary>
    /// Each rank writes its own block of training rows with the features one machine writes them with (the encodings'
    /// tables summed from every rank's counts), and fits the pipeline one machine fits — from a frame in which every
    /// row outside its range is garbled (other row ids, days, labels, categories and numbers): a rank that read another
    /// rank's rows would get other bytes.
    /// </summary>
    [Theory]
    [MemberData(nameof(TrainingCases))]
    public void FitForTraining_AcrossRanks_WritesEachBlockAsOneMachine_WithoutReadingOtherRanksRows(string which, int[] ends)
    {
        var train = FeatureFrames.Default(Rows, seed: 35);
        int[] rows = which == "fitting_subset" ? [.. Enumerable.Range(0, Rows).Where(r => r % 5 != 2)] : [.. Enumerable.Range(0, Rows)];
        var config = which == "crosses_as_of" ? ShardedFitTests.Config("every_step") with { CrossesEncoding = SeenEncoding.AsOf } : ShardedFitTests.Config(which);
        var pipeline = new FeaturePipeline(config) { StatisticsSliceRows = 97 };
        var whole = pipeline.FitForTraining(train, rows);
        Assert.True(whole.Chunkable); // else a block's features would be taken from every row's
        var wholeMatrix = whole.Transform();
        var exchange = new MemoryExchange(ends.Length);

        var ranks = RunRanks(ends.Length, r =>
        {
            var start = r == 0 ? 0 : ends[r - 1];
            var own = Garbled(train, start, ends[r]);
            var fit = pipeline.FitForTraining(own, rows, null, null, new RankFit(r, ends, exchange.Of(r)));
            int[] block = [.. Enumerable.Range(0, rows.Length).Where(p => rows[p] >= start && rows[p] < ends[r])];
            return (Json: fit.Pipeline.ToJson(), Block: block, Features: fit.Transform(block));
        });

        var json = whole.Pipeline.ToJson();
        foreach (var rank in ranks)
        {
            Assert.Equal(json, rank.Json);
            Assert.Equal(wholeMatrix.SelectRows(rank.Block).Data, rank.Features.Data);
        }
        Assert.Contains("tables", exchange.Rounds);
        Assert.Equal(which is "as_of" or "crosses_as_of", exchange.Rounds.Contains("days"));
    }

    [Fact]
    public void FitAcrossRanks_TruncatedPartialState_IsRefusedNamingTheStep()
    {
        var train = FeatureFrames.Default(400, seed: 33);
        var pipeline = new FeaturePipeline(FeatureConfig.Default);
        var exchange = new MemoryExchange(2, damage: payload => payload[..^1]);

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => pipeline.FitAcrossRanks(train, new RankFit(r, [200, 400], exchange.Of(r)))));

        Assert.All(e.InnerExceptions, x => Assert.StartsWith("the partial state of rank ", Assert.IsType<InvalidDataException>(x).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void FitAcrossRanks_PartialStatesOfOtherSteps_AreRefused()
    {
        var train = FeatureFrames.Default(400, seed: 34);
        var exchange = new MemoryExchange(2);
        // Rank 1 has one cross fewer: the ranks fit other steps (a bug, or ranks started with other configs).
        var configs = new[] { FeatureConfig.Default, FeatureConfig.Default with { Crosses = [.. FeatureConfig.Default.Crosses.Skip(1)] } };

        var e = Assert.Throws<AggregateException>(() => RunRanks(2, r => new FeaturePipeline(configs[r]).FitAcrossRanks(train, new RankFit(r, [200, 400], exchange.Of(r)))));

        Assert.Contains(e.InnerExceptions, x => x is InvalidDataException && x.Message.Contains("rank 1 sent", StringComparison.Ordinal));
    }
}
