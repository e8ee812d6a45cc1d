using Cvr.Data;
using Cvr.Features;
using Cvr.Modeling;
using Cvr.Tests.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Features;

/// <summary>A kept-features list (<see cref="FeatureConfig.Keep"/>) and the probe split that chooses it.</summary>
public class FeatureSelectionTests
{
    [Fact]
    public void Transform_WithAKeepList_GivesExactlyTheKeptColumnsOfTheFullTransform()
    {
        var train = FeatureFrames.Default(3000, seed: 3);
        var test = FeatureFrames.Default(500, seed: 4, firstRowId: 10_000, day: 67);
        var fitted = new FeaturePipeline(FeatureConfig.Default).Fit(train);
        var all = fitted.AllFeatureNames;
        // Whole blocks, parts of blocks (a few of one group's 13 statistics, one encoder statistic) and single columns.
        var keep = new[] { all[2], "date_mod", "f_4@f_6", all.First(n => n.EndsWith("_zscore", StringComparison.Ordinal)),
            all.First(n => n.EndsWith("_median", StringComparison.Ordinal) && n.Contains("_by_", StringComparison.Ordinal)),
            all.First(n => n.StartsWith("te_", StringComparison.Ordinal) && n.EndsWith("_skewness", StringComparison.Ordinal)), all[^1] };

        var full = fitted.Transform(test);
        var selected = fitted.Select(keep);
        var some = selected.Transform(test);

        Assert.Equal(all.Where(keep.Contains), selected.FeatureNames);
        Assert.Equal(keep.Length, some.Columns);
        foreach (var name in selected.FeatureNames)
        {
            Assert.Equal(full.Column(name).ToArray(), some.Column(name).ToArray());
        }
        // The list survives the bundle's JSON round trip.
        Assert.Equal(selected.FeatureNames, FittedFeaturePipeline.FromJson(selected.ToJson()).FeatureNames);
    }

    [Fact]
    public void Select_UnknownFeature_IsAConfigurationErrorNamingIt()
    {
        var fitted = new FeaturePipeline(FeatureConfig.Default).Fit(FeatureFrames.Default(500, seed: 5));
        var e = Assert.Throws<ConfigurationException>(() => fitted.Select(["f_2", "f_99_by_nothing"]));
        Assert.Equal("keep[1]: 'f_99_by_nothing' is not a feature of this pipeline (expected one of the names in docs/features.md)", e.Message);
    }

    [Fact]
    public void ProbeSplit_ManyRows_KeepsEveryKthTrainingRowAndTheWholeValidationDay()
    {
        var split = new DaySplit(66, 45, 65, [.. Enumerable.Range(0, 1_000_001)], [.. Enumerable.Range(2_000_000, 10)]);
        var probe = FeatureSelection.ProbeSplit(split);
        Assert.InRange(probe.TrainRows.Length, FeatureSelection.ProbeRows / 2, FeatureSelection.ProbeRows);
        Assert.Equal(Enumerable.Range(0, probe.TrainRows.Length).Select(i => i * 3), probe.TrainRows);
        Assert.Equal(split.ValidationRows, probe.ValidationRows);
        var small = split with { TrainRows = [.. Enumerable.Range(0, FeatureSelection.ProbeRows)] };
        Assert.Same(small, FeatureSelection.ProbeSplit(small));
    }
}

/// <summary>When the preset's selection runs: it steps aside below <see cref="FeatureSelection.PresetMinimumRows"/>
/// training rows, and an explicit share selects at any size.</summary>
[Trait("Category", "LightGbm")]
public class FeatureSelectionRuleTests(ModelInputsTests.Data data) : IClassFixture<ModelInputsTests.Data>
{
    private static readonly TrainingOptions Options = new() { MaxRounds = 30, EarlyStoppingRounds = 10, Threads = 1, Baseline = false };

    private static IReadOnlyList<string>? Select(Frame train, TrainingOptions options) =>
        FeatureSelection.Select(train, null, DaySplit.Of(train, null), options, NullLogger.Instance, new PhaseTimer(), CancellationToken.None, out _);

    [Fact]
    public void Select_PresetShareOnFewRows_StepsAsideAndKeepsEveryFeature()
    {
        var train = data.Train();
        Assert.True(DaySplit.Of(train, null).TrainRows.Length < FeatureSelection.PresetMinimumRows);
        Assert.Equal(0.99, Options.FeatureSelectionShare);

        var kept = Select(train, Options);

        Assert.Null(kept);
    }

    [Fact]
    public void Select_ExplicitShareOnFewRows_SelectsAnyway()
    {
        var train = data.Train();
        var options = Options with { SelectFeatures = 0.9 };

        var kept = Select(train, options);

        Assert.NotNull(kept);
        var all = new FeaturePipeline(options.Features).Fit(train).FeatureNames;
        Assert.InRange(kept!.Count, 1, all.Count - 1);
        Assert.All(kept, name => Assert.Contains(name, all));
        Assert.Equal(all.Where(kept.Contains), kept); // in the pipeline's order
    }
}
