using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>The prologue the trainer and the tuner share: options checked once, feature selection's list kept apart
/// from the options, every model through one fitter.</summary>
[Trait("Category", "LightGbm")]
public class TrainingPlanTests(ModelInputsTests.Data data) : IClassFixture<ModelInputsTests.Data>
{
    private static readonly TrainingOptions Options = new() { MaxRounds = 30, EarlyStoppingRounds = 10, Threads = 1, Baseline = false };

    [Fact]
    public void Validate_SameInstanceTwice_ChecksOnceAndACopyAgain()
    {
        var options = Options with { MaxRounds = 7 };
        var before = TrainingOptions.t_checksRun;

        options.Validate();
        options.Validate();
        (options with { MaxRounds = 8 }).Validate();

        Assert.Equal(before + 2, TrainingOptions.t_checksRun);
    }

    [Fact]
    public void Validate_RefusedInstance_IsRefusedEveryTime()
    {
        var options = Options with { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["all"] = new Dictionary<string, string> { ["num_leaves"] = "1" } } };

        Assert.Throws<ConfigurationException>(() => options.Validate());
        Assert.Throws<ConfigurationException>(() => options.Validate());
    }

    [Fact]
    public void Train_OptionsCheckedBeforehand_AreNotCheckedAgain()
    {
        var options = Options with { MaxRounds = 5 };
        options.Validate(); // as cvr train does before it reads the data
        var before = TrainingOptions.t_checksRun;

        using var system = new TwoStageTrainer(options, NullLogger.Instance).Train(data.Train(), null);

        Assert.Equal(before, TrainingOptions.t_checksRun);
    }

    [Fact]
    public void Train_WithSelection_FitsOnlyTheKeptFeaturesAndLeavesTheOptionsAlone()
    {
        var options = Options with { SelectFeatures = 0.9 };

        using var system = new TwoStageTrainer(options, NullLogger.Instance).Train(data.Train(), null);

        Assert.Same(options, system.Options);
        Assert.Null(system.Options.Features.Keep);
        var kept = system.Selection!.Features.Where(f => f.Kept).Select(f => f.Feature).ToHashSet();
        Assert.InRange(kept.Count, 1, system.Selection.Features.Count - 1);
        Assert.Equal(kept.Order(StringComparer.Ordinal), system.Pipeline.FeatureNames.Order(StringComparer.Ordinal));
        Assert.Equal(system.Pipeline.FeatureNames, system.Pipeline.Config.Keep); // the bundle's fitted pipeline records the list
    }
}
