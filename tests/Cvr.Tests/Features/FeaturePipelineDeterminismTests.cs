using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>Same data and seed → the same bytes, whatever the number of cores or the degree of parallelism.</summary>
public class FeaturePipelineDeterminismTests
{
    /// <summary>Slices of 500 rows cut the 12,000-row frame into 24 slices per group-statistics pair: more than any
    /// of the degrees below, so a slicing that followed the degree (or the core count) would merge differently.</summary>
    private const int Rows = 12_000, SliceRows = 500;

    private static readonly int[] s_degrees = [1, 2, 7];

    [Theory]
    [InlineData(TargetEncodingMode.OutOfFold, SeenEncoding.InSample)]
    [InlineData(TargetEncodingMode.AsOf, SeenEncoding.InSample)]
    [InlineData(TargetEncodingMode.OutOfFold, SeenEncoding.AsOf)]
    public void FitTransform_AnyDegreeOfParallelism_GivesIdenticalBytes(TargetEncodingMode encoding, SeenEncoding seen)
    {
        var train = FeatureFrames.Default(Rows, seed: 21);
        var test = FeatureFrames.Default(2_000, seed: 22, firstRowId: Rows + 1, day: 67);
        Assert.True(Rows / SliceRows > 2 * s_degrees.Max());
        var runs = s_degrees.Select(degree =>
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = degree };
            var config = new FeatureConfig
            {
                TargetEncoding = new TargetEncodingConfig { Encoding = encoding },
                CrossesEncoding = seen,
                GroupStatistics = new GroupStatisticsConfig { Encoding = seen },
            };
            var pipeline = new FeaturePipeline(config) { StatisticsSliceRows = SliceRows };
            var (fitted, features) = pipeline.FitTransform(train, parallel: parallel);
            return (Json: fitted.ToJson(), Train: features.Data, Test: fitted.Transform(test, parallel: parallel).Data);
        }).ToArray();
        foreach (var run in runs.Skip(1))
        {
            Assert.Equal(runs[0].Json, run.Json);
            Assert.Equal(runs[0].Train, run.Train);
            Assert.Equal(runs[0].Test, run.Test);
        }
    }

    [Theory]
    [InlineData("default")]
    [InlineData("day_scoped_statistics")]
    [InlineData("same_day_history")]
    [InlineData("as_of")]
    [InlineData("as_of_crosses_and_statistics")]
    public void TrainingFeatures_AnySubsetOfRows_AreThoseRowsOfTheWholeMatrix(string which)
    {
        // Out-of-fold (or as-of) encodings, group statistics and history, fitted on a subset of the frame's rows. Day-scoped
        // group statistics and history's same-day share depend on the day's other rows: a subset is then taken from
        // the whole matrix.
        var train = FeatureFrames.Default(Rows, seed: 25);
        var rows = Enumerable.Range(0, Rows).Where(r => r % 5 != 2).ToArray();
        var config = which switch
        {
            "day_scoped_statistics" => new FeatureConfig { GroupStatistics = new GroupStatisticsConfig { Scope = StatisticsScope.Day } },
            "same_day_history" => new FeatureConfig { History = new HistoryConfig { SameDay = true } },
            "as_of" => new FeatureConfig { TargetEncoding = new TargetEncodingConfig { Encoding = TargetEncodingMode.AsOf } },
            "as_of_crosses_and_statistics" => new FeatureConfig
            {
                TargetEncoding = new TargetEncodingConfig { Encoding = TargetEncodingMode.AsOf },
                CrossesEncoding = SeenEncoding.AsOf,
                GroupStatistics = new GroupStatisticsConfig { Encoding = SeenEncoding.AsOf },
            },
            _ => new FeatureConfig(),
        };
        var features = new FeaturePipeline(config).FitForTraining(train, rows);
        Assert.Equal(which is "default" or "as_of" or "as_of_crosses_and_statistics", features.Chunkable);
        Assert.NotEmpty(features.Pipeline.Encoders);
        Assert.NotEmpty(features.Pipeline.HistorySteps);
        var whole = features.Transform();
        Assert.Equal(rows.Length, whole.Rows);
        var positions = new[] { rows.Length - 1, 0, 17, 4_000, 17, rows.Length / 2 };
        var picked = features.Transform(positions);
        for (var j = 0; j < whole.Columns; j++)
        {
            for (var i = 0; i < positions.Length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(whole.Column(j)[positions[i]]), BitConverter.SingleToInt32Bits(picked.Column(j)[i]));
            }
        }
        // Encodings of training rows are out of fold (as of their day): the fitted pipeline's own transform of the same rows differs.
        var inSample = features.Pipeline.Transform(train, [rows[0], rows[17]]);
        var encoded = features.Pipeline.Encoders[0].OutputNames.First();
        Assert.NotEqual(inSample.Column(encoded).ToArray(), features.Transform([0, 17]).Column(encoded).ToArray());
        if (which == "as_of_crosses_and_statistics")
        {
            // The first training day's rows have no earlier rows: their statistics are missing, unlike the full fit's.
            var statistic = features.Pipeline.GroupStatistics[0].OutputNames.First();
            var first = Enumerable.Range(0, rows.Length).Where(i => train.Days[rows[i]] == 45).Take(3).ToArray();
            Assert.All(features.Transform(first).Column(statistic).ToArray(), v => Assert.True(float.IsNaN(v)));
            Assert.All(features.Pipeline.Transform(train, [.. first.Select(i => rows[i])]).Column(statistic).ToArray(), v => Assert.False(float.IsNaN(v)));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => features.Transform([rows.Length]));
    }

    [Fact]
    public void Fit_AnyDegreeOfParallelism_GivesIdenticalGroupStatisticsWithTestRows()
    {
        // The transductive scope merges a second part (the test rows) after the training rows' slices.
        var train = FeatureFrames.Default(Rows, seed: 23);
        var test = FeatureFrames.Default(3_000, seed: 24, firstRowId: Rows + 1, day: 67);
        var config = new FeatureConfig { GroupStatistics = new GroupStatisticsConfig { Scope = StatisticsScope.TrainAndTest } };
        var json = s_degrees.Select(degree => new FeaturePipeline(config) { StatisticsSliceRows = SliceRows }
            .Fit(train, unlabeled: test, parallel: new ParallelOptions { MaxDegreeOfParallelism = degree }).ToJson()).ToArray();
        Assert.All(json, j => Assert.Equal(json[0], j));
    }
}
