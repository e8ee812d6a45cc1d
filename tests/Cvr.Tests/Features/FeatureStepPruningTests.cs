using Cvr.Data;
using Cvr.Features;

namespace Cvr.Tests.Features;

/// <summary>A kept-features list prunes the steps before they are fitted, but not the steps kept steps read.</summary>
public class FeatureStepPruningTests
{
    [Fact]
    public void Fit_WithAKeepList_FitsOnlyKeptStepsAndTheCrossesTheyRead()
    {
        var train = FeatureFrames.Default(2_000, seed: 41);
        var test = FeatureFrames.Default(300, seed: 42, firstRowId: 10_000, day: 67);
        var config = FeatureConfig.Default with
        {
            Crosses = [["f_4", "f_6"], ["date_mod", "f_11"]],
            GroupStatistics = new GroupStatisticsConfig { Pairs = [["f_4@f_6", "f_42"], ["f_2", "f_71"]] },
        };
        var full = new FeaturePipeline(config).Fit(train);
        // A statistic keyed on the cross f_4@f_6, one encoder statistic and a base column; not the cross itself.
        string[] keep = ["f_2", "f_42_by_f_4@f_6_zscore", "te_is_installed_f_13_mean"];

        var pruned = new FeaturePipeline(config with { Keep = keep }).Fit(train);

        Assert.Equal(["f_4@f_6"], pruned.Crosses.Select(c => c.Name));
        Assert.Equal(["f_4@f_6"], pruned.GroupStatistics.Select(g => g.Group));
        Assert.Equal(["f_13"], pruned.Encoders.Select(e => e.Column));
        Assert.Empty(pruned.HistorySteps);
        Assert.Null(pruned.DateModulus);
        Assert.Equal(keep, pruned.FeatureNames);
        var all = full.Select(keep).Transform(test);
        var some = pruned.Transform(test);
        Assert.Equal(all.Data, some.Data);
    }

    [Fact]
    public void RowTransform_OfAPrunedPipeline_ReadsTheInputOnlyCrossLikeTheBatch()
    {
        var config = FeatureConfig.Default with { Keep = ["f_2", "f_71_by_f_11_mean", "te_is_installed_f_4@f_6_mean"], TargetEncoding = new TargetEncodingConfig { Columns = ["f_4@f_6"] } };
        var pruned = new FeaturePipeline(config).Fit(FeatureFrames.Default(2_000, seed: 45));
        var scored = FeatureFrames.Default(300, seed: 46, day: 67, novelty: i => (Novelty)(i % 3));
        Assert.Equal(["f_4@f_6"], pruned.Crosses.Select(c => c.Name));

        var batch = pruned.Transform(scored);
        var rows = pruned.CreateRowTransform();
        var raw = new RawRow(rows.Schema);
        var scratch = rows.CreateScratch();
        var features = new float[rows.Width];
        Assert.Equal(3, rows.Width);
        for (var r = 0; r < scored.RowCount; r++)
        {
            raw.CopyFrom(scored, r);
            rows.Transform(raw, scratch, features);
            for (var j = 0; j < features.Length; j++) { Assert.Equal(batch.Data[j * batch.Rows + r], features[j]); }
        }
    }

    [Fact]
    public void Fit_KeepingAnUnknownName_IsAConfigurationErrorBeforeFitting()
    {
        var config = FeatureConfig.Default with { Keep = ["f_2", "f_4@f_99"] };
        var e = Assert.Throws<ConfigurationException>(() => new FeaturePipeline(config).Fit(FeatureFrames.Default(200, seed: 43)));
        Assert.Equal("keep[1]: 'f_4@f_99' is not a feature of this pipeline (expected one of the names in docs/features.md)", e.Message);
    }

    [Fact]
    public void Columns_DeclareEachStepsKind()
    {
        var fitted = new FeaturePipeline(FeatureConfig.Default).Fit(FeatureFrames.Default(500, seed: 44));
        var kinds = fitted.AllColumns.ToDictionary(c => c.Name, c => (c.Kind, c.FromRawColumn));

        Assert.Equal((ColumnKind.Day, true), kinds["f_1"]);
        Assert.Equal((ColumnKind.Categorical, true), kinds["f_2"]);
        Assert.Equal((ColumnKind.Numeric, true), kinds["f_42"]);
        Assert.Equal((ColumnKind.Categorical, false), kinds["date_mod"]);
        Assert.Equal((ColumnKind.Categorical, false), kinds["f_4@f_6"]);
        Assert.Equal((ColumnKind.Numeric, false), kinds["f_71_by_f_11_mean"]);
        Assert.Equal((ColumnKind.Numeric, false), kinds["te_is_installed_f_4_mean"]);
        Assert.Equal((ColumnKind.Numeric, false), kinds["f_4_impressions_1d"]);
        Assert.Equal(fitted.AllFeatureNames, fitted.AllColumns.Select(c => c.Name));
    }
}
