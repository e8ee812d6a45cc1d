using Cvr.Features;

namespace Cvr.Tests.Features;

public class DayScopeTests
{
    private static FeatureConfig Config(StatisticsScope scope) => new()
    {
        TargetEncoding = new TargetEncodingConfig { Columns = [] },
        GroupStatistics = new GroupStatisticsConfig { Pairs = [["f_6", "f_42"], ["f_4@f_6", "f_71"]], Scope = scope },
    };

    private static IEnumerable<string> StatisticColumns(FittedFeaturePipeline p) => p.FeatureNames.Where(n => n.Contains("_by_", StringComparison.Ordinal));

    [Fact]
    public void Transform_ScoredDay_GetsTheStatisticsOfItsOwnRows()
    {
        var train = FeatureFrames.Random(2000, seed: 21);
        var test = FeatureFrames.Random(500, seed: 22, day: 67);
        var fitted = new FeaturePipeline(Config(StatisticsScope.Day)).Fit(train);
        var scored = fitted.Transform(test);
        // Statistics fitted over the test rows themselves (by a raw column: cross codes depend on the fitting rows).
        var expected = new FeaturePipeline(Config(StatisticsScope.Train)).Fit(test).Transform(test);
        foreach (var name in StatisticColumns(fitted).Where(n => n.StartsWith("f_42_by_f_6", StringComparison.Ordinal)))
        {
            Assert.Equal(expected.Column(name).ToArray(), scored.Column(name).ToArray());
        }
    }

    [Fact]
    public void Transform_TrainingRows_GetTheirDaysStatistics_WhateverOtherDaysHold()
    {
        var frame = FeatureFrames.Random(3000, seed: 23);
        var other = FeatureFrames.Random(3000, seed: 24);
        var fitted = new FeaturePipeline(Config(StatisticsScope.Day)).Fit(frame);
        var matrix = fitted.Transform(frame);
        // Rows of day 50 alone, scored as their own day: the same statistics as within the whole frame.
        var rows = Enumerable.Range(0, frame.RowCount).Where(i => frame.Days[i] == 50).ToArray();
        var alone = fitted.Transform(frame, rows);
        foreach (var name in StatisticColumns(fitted))
        {
            var all = matrix.Column(name);
            var day = alone.Column(name);
            for (var i = 0; i < rows.Length; i++) { Assert.Equal(all[rows[i]], day[i]); }
        }
        Assert.NotEqual(fitted.Transform(other).Data, new FeaturePipeline(Config(StatisticsScope.Train)).Fit(frame).Transform(other).Data);
    }
}
