using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

public class ConditionalEncodingTests
{
    private static FeatureConfig Config(string target) => new()
    {
        Crosses = [],
        GroupStatistics = new GroupStatisticsConfig { Pairs = [] },
        TargetEncoding = new TargetEncodingConfig { Columns = ["f_6"], Targets = [target], MinCount = 5 },
    };

    [Fact]
    public void Fit_InstalledGivenLike_CountsTheLikedRowsOnly()
    {
        var frame = FeatureFrames.Random(3000, seed: 31);
        var encoder = new FeaturePipeline(Config(Targets.InstalledGivenLike)).Fit(frame).Encoders.Single();
        var keys = new int[frame.RowCount];
        frame.Categorical("f_6").Decode(null, 0, keys.AsSpan());
        var liked = Targets.Values(frame, Targets.Like);
        var installed = frame.Label(Schema.InstallLabel).Values;
        for (var c = 0; c < encoder.Keys.Length; c++)
        {
            var rows = Enumerable.Range(0, frame.RowCount).Where(i => keys[i] == encoder.Keys[c] && liked[i] == 1).ToArray();
            Assert.Equal(rows.Length, encoder.Rows[c]);
            Assert.Equal(rows.Sum(i => installed[i]), encoder.Positives[c]);
        }
        Assert.Equal(liked.Sum(v => v), encoder.TotalRows);
        Assert.True(encoder.TotalRows < frame.RowCount);
    }

    [Fact]
    public void FitTransform_OutOfFold_InstalledGivenLike_EncodesTheConditionalRate()
    {
        // Out of fold too, only liked rows count: installs among liked rows are more frequent than among all rows.
        var frame = FeatureFrames.Random(2000, seed: 32);
        var (_, a) = new FeaturePipeline(Config(Targets.InstalledGivenLike)).FitTransform(frame);
        var (_, b) = new FeaturePipeline(Config(Targets.Installed)).FitTransform(frame);
        Assert.NotEqual(a.Column("te_is_installed_given_like_f_6_mean").ToArray(), b.Column("te_is_installed_f_6_mean").ToArray());
        Assert.True(a.Column("te_is_installed_given_like_f_6_mean").ToArray().Average(v => v) > b.Column("te_is_installed_f_6_mean").ToArray().Average(v => v));
    }

    [Fact]
    public void FitTransform_OutOfFold_InstalledGivenLike_EqualsANaiveCountOverOtherFoldsLikedRows()
    {
        var frame = FeatureFrames.Random(2000, seed: 33);
        var config = Config(Targets.InstalledGivenLike) with { TargetEncoding = Config(Targets.InstalledGivenLike).TargetEncoding with { MinCount = 0 } };
        var (_, matrix) = new FeaturePipeline(config).FitTransform(frame);
        var plan = new FoldPlan(config.TargetEncoding.Folds, config.TargetEncoding.Seed);
        var folds = frame.RowIds.Select(plan.FoldOf).ToArray();
        var keys = new int[frame.RowCount];
        frame.Categorical("f_6").Decode(null, 0, keys.AsSpan());
        var liked = Targets.Values(frame, Targets.Like);
        var installed = frame.Label(Schema.InstallLabel).Values;
        var total = liked.Sum(v => (double)v);
        foreach (var r in new[] { 0, 1, 2, 100, 1999 })
        {
            var others = Enumerable.Range(0, frame.RowCount).Where(i => folds[i] != folds[r] && liked[i] == 1).ToArray();
            var fitRows = (double)others.Length;
            var scale = total / fitRows;
            var mu = others.Sum(i => (double)installed[i]) / fitRows;
            var same = others.Where(i => keys[i] == keys[r]).ToArray();
            var expected = (mu * total + same.Sum(i => (double)installed[i]) * scale) / (total + same.Length * scale);
            Assert.Equal((float)expected, matrix.Column("te_is_installed_given_like_f_6_mean")[r], 1e-6f);
        }
    }
}
