using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

public partial class FeaturePipelineTests
{
    /// <summary>The paper's features restricted to the columns of <see cref="FeatureFrames"/>.</summary>
    private static FeatureConfig SmallConfig(TargetEncodingMode mode = TargetEncodingMode.OutOfFold, BetaPriorRule prior = BetaPriorRule.Paper, int nMin = 5) => new()
    {
        GroupStatistics = new GroupStatisticsConfig { Pairs = [["f_11", "f_71"], ["f_13", "f_42"], ["f_6", "f_64"]] },
        TargetEncoding = new TargetEncodingConfig { Columns = ["f_4", "f_6", "f_4@f_6"], MinCount = nMin, Encoding = mode, Prior = prior, Targets = ["is_installed", "is_like"] },
        History = new HistoryConfig { Keys = [] }, // HistoryTests cover it; these frames lack most of its columns
    };

    [Fact]
    public void FitTransform_ChangingARowsOwnLabel_LeavesItsEncodingUnchanged()
    {
        // The leak test: out of fold, a training row's encodings come from the other folds only.
        var frame = FeatureFrames.Random(2000, seed: 1);
        var original = frame.Label("is_installed").Values[123];
        var flipped = FeatureFrames.Random(2000, seed: 1, label: i => i == 123 ? 1 - original : LabelOf(frame, i));
        Assert.NotEqual(original, flipped.Label("is_installed").Values[123]);
        Assert.Equal(frame.Numeric("f_42").Values, flipped.Numeric("f_42").Values);
        var pipeline = new FeaturePipeline(SmallConfig());
        var (_, before) = pipeline.FitTransform(frame);
        var (_, after) = pipeline.FitTransform(flipped);
        var changed = 0;
        foreach (var name in before.Names.Where(n => n.StartsWith("te_", StringComparison.Ordinal)))
        {
            Assert.Equal(before.Column(name)[123], after.Column(name)[123]);
            changed += before.Column(name).SequenceEqual(after.Column(name)) ? 0 : 1;
        }
        // ...while other rows of its category do see the change, so the test can fail.
        Assert.True(changed > 0);
    }

    private static int LabelOf(Frame frame, int row) => frame.Label("is_installed").Values[row];

    [Fact]
    public void FitThenTransform_InSample_DoesSeeTheRowsOwnLabel()
    {
        // The authors' in-sample option: the same flip moves the row's own encoding.
        var frame = FeatureFrames.Random(2000, seed: 1);
        var original = frame.Label("is_installed").Values[123];
        var flipped = FeatureFrames.Random(2000, seed: 1, label: i => i == 123 ? 1 - original : LabelOf(frame, i));
        var pipeline = new FeaturePipeline(SmallConfig(TargetEncodingMode.InSample));
        var (_, before) = pipeline.FitTransform(frame);
        var (_, after) = pipeline.FitTransform(flipped);
        Assert.NotEqual(before.Column("te_is_installed_f_6_mean")[123], after.Column("te_is_installed_f_6_mean")[123]);
    }

    [Fact]
    public void Transform_UnseenCategoryUnderTheAuthorsRule_CountsAsMuInOneRow()
    {
        var train = FeatureFrames.Random(1000, seed: 2);
        var fitted = new FeaturePipeline(SmallConfig(prior: BetaPriorRule.Authors, nMin: 100)).Fit(train);
        var encoder = fitted.Encoders.First(e => e.Column == "f_6" && e.Target == "is_installed");
        var mu = encoder.TotalPositives / (double)encoder.TotalRows;
        var table = encoder.Table();
        // n = μ, N = 1 → pseudo-rows 99 → α = 99μ + μ, β = 99(1−μ) + 1 − μ.
        Assert.Equal((float)BetaMoments.Mean(100 * mu, 100 * (1 - mu)), table[encoder.Keys.Length, 0], 6);
    }

    [Fact]
    public void GroupStatistics_EqualANaiveReference()
    {
        var frame = FeatureFrames.Random(3000, seed: 4);
        var fitted = new FeaturePipeline(SmallConfig()).Fit(frame);
        var matrix = fitted.Transform(frame);
        // Naive reference: LINQ over (f_13 with blanks a group of their own, f_42 ÷ base rounded).
        var f13 = frame.Categorical("f_13");
        var f42 = frame.Numeric("f_42").Values;
        var keys = Enumerable.Range(0, frame.RowCount).Select(r => f13.ValueAt(r) is { } v ? (long)v : -1L).ToArray();
        var values = f42.Select(v => Math.Round(v / 0.03856407)).ToArray();
        var groups = Enumerable.Range(0, frame.RowCount).GroupBy(r => keys[r]).ToDictionary(g => g.Key, g => g.Select(r => values[r]).Order().ToArray());
        for (var r = 0; r < frame.RowCount; r += 37)
        {
            var g = groups[keys[r]];
            var mean = g.Average();
            var median = g.Length % 2 == 1 ? g[g.Length / 2] : (g[g.Length / 2 - 1] + g[g.Length / 2]) / 2;
            var std = Math.Sqrt(g.Sum(v => (v - mean) * (v - mean)) / (g.Length - 1));
            Assert.Equal((float)mean, matrix.Column("f_42_by_f_13_mean")[r], 4);
            Assert.Equal((float)median, matrix.Column("f_42_by_f_13_median")[r]);
            Assert.Equal((float)std, matrix.Column("f_42_by_f_13_std")[r], 3);
            Assert.Equal((float)g.Max(), matrix.Column("f_42_by_f_13_max")[r]);
            Assert.Equal((float)g.Min(), matrix.Column("f_42_by_f_13_min")[r]);
            Assert.Equal((float)(values[r] / (mean + 1e-5)), matrix.Column("f_42_by_f_13_ratio_mean")[r], 4);
            Assert.Equal((float)((values[r] - mean) / (std + 1e-9)), matrix.Column("f_42_by_f_13_zscore")[r], 3);
            Assert.Equal((float)(std / mean), matrix.Column("f_42_by_f_13_std_over_mean")[r], 4);
        }
    }

    [Fact]
    public void Transform_BaseColumns_FillMissingAndRestoreCounts()
    {
        var frame = FeatureFrames.Random(500, seed: 5);
        var matrix = new FeaturePipeline(SmallConfig()).Fit(frame).Transform(frame);
        Assert.DoesNotContain("f_0", matrix.Names);
        var f71 = frame.Numeric("f_71").Values;
        var f64 = frame.Numeric("f_64").Values;
        var f13 = frame.Categorical("f_13");
        for (var r = 0; r < frame.RowCount; r++)
        {
            Assert.Equal(MathF.Round(f71[r] / 0.57112147f), matrix.Column("f_71")[r]);
            Assert.Equal(float.IsNaN(f64[r]) ? 0f : f64[r], matrix.Column("f_64")[r]);
            Assert.Equal((float)(f13.ValueAt(r) ?? 0), matrix.Column("f_13")[r]);
            Assert.Equal(frame.Days[r] % 7, matrix.Column("date_mod")[r]);
        }
    }

    [Fact]
    public void Cross_CodesFollowPairOrder()
    {
        var frame = FeatureFrames.Random(500, seed: 6);
        var fitted = new FeaturePipeline(SmallConfig()).Fit(frame);
        var cross = fitted.Crosses.Single(c => c.Name == "f_4@f_6");
        var matrix = fitted.Transform(frame);
        var pairs = Enumerable.Range(0, frame.RowCount)
            .Select(r => (A: frame.Categorical("f_4").ValueAt(r)!.Value, B: frame.Categorical("f_6").ValueAt(r)!.Value))
            .Distinct().Order().ToList();
        Assert.Equal(pairs.Count, cross.Pairs.Length);
        for (var r = 0; r < frame.RowCount; r++)
        {
            var pair = (frame.Categorical("f_4").ValueAt(r)!.Value, frame.Categorical("f_6").ValueAt(r)!.Value);
            Assert.Equal(pairs.IndexOf(pair), matrix.Column("f_4@f_6")[r]);
        }
    }

    [Fact]
    public void FittedPipeline_JsonRoundTrip_GivesIdenticalOutput()
    {
        var train = FeatureFrames.Random(1500, seed: 7);
        var test = FeatureFrames.Random(300, seed: 8, day: 67);
        var fitted = new FeaturePipeline(SmallConfig()).Fit(train);
        var reloaded = FittedFeaturePipeline.FromJson(fitted.ToJson());
        Assert.Equal(fitted.FeatureNames, reloaded.FeatureNames);
        Assert.Equal(fitted.Transform(test).Data, reloaded.Transform(test).Data);
        Assert.Equal(fitted.ToJson(), reloaded.ToJson());
    }

    [Fact]
    public void FitTransform_SameSeed_IsReproducible()
    {
        var frame = FeatureFrames.Random(1000, seed: 9);
        var (_, a) = new FeaturePipeline(SmallConfig()).FitTransform(frame);
        var (_, b) = new FeaturePipeline(SmallConfig()).FitTransform(frame);
        Assert.Equal(a.Data, b.Data);
    }

    [Fact]
    public void FeatureNames_DefaultConfig_AreStableAndDocumented()
    {
        var frame = FeatureFrames.Random(200, seed: 10);
        var names = new FeaturePipeline(SmallConfig()).Fit(frame).FeatureNames;
        Assert.Equal(["f_1", "f_2", "f_4", "f_6", "f_11", "f_13", "f_71", "f_42", "f_64", "date_mod", "f_4@f_6", "date_mod@f_11"], names.Take(12));
        Assert.Contains("f_71_by_f_11_abs_median_minus_mean", names);
        Assert.Contains("te_is_like_f_4@f_6_kurtosis", names);
        Assert.Equal(12 + 3 * 13 + 2 * 3 * 6, names.Count);
    }

    [Fact]
    public void Transform_DataWithoutAFittedColumn_SaysWhich()
    {
        var fitted = new FeaturePipeline(SmallConfig()).Fit(FeatureFrames.Random(200, seed: 11));
        using var dir = new TempDir();
        var other = FrameReader.Read(dir.Write("t.csv", "f_0\tf_1\tf_2\n1\t67\t3\n"), new ReadOptions());
        var e = Assert.Throws<DataContentException>(() => fitted.Transform(other)); // the data's fault, not a setting's
        Assert.Equal("the data lacks column f_4, which the fitted feature pipeline was trained with", e.Message);
    }
}

public class BaseValueDetectionTests
{
    [Fact]
    public void Fit_DetectedBases_RecoverThePapersBasesAndSkipContinuousColumns()
    {
        var frame = FeatureFrames.Random(3000, seed: 12);
        var config = new FeatureConfig
        {
            BaseValues = new BaseValuesConfig { Source = BaseValueSource.Detect },
            GroupStatistics = new GroupStatisticsConfig { Pairs = [] },
            TargetEncoding = new TargetEncodingConfig { Columns = [] },
            History = new HistoryConfig { Keys = [] },
        };
        var fitted = new FeaturePipeline(config).Fit(frame);
        Assert.Equal(0.57112147, fitted.BaseColumns.BaseOf("f_71"), 6);
        Assert.Equal(0.03856407, fitted.BaseColumns.BaseOf("f_42"), 7);
        Assert.Equal(0, fitted.BaseColumns.BaseOf("f_64"));
    }
}
