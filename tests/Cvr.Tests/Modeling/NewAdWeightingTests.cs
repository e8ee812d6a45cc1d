using System.Text.Json;
using Cvr.Data;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>Validation rows weighted to the scored rows' share of new-ad rows (<see cref="TrainingOptions.WeightValidationNewAds"/>):
/// the weights, and where training uses them (LightGBM's validation Datasets, the validation logloss, ω, the ensemble weight).</summary>
[Trait("Category", "LightGbm")]
public class NewAdWeightingTests(ModelInputsTests.Data data) : IClassFixture<ModelInputsTests.Data>
{
    private static readonly TrainingOptions Options = new() { MaxRounds = 30, EarlyStoppingRounds = 10, Threads = 1, Baseline = false };

    [Fact]
    public void Weights_ByHand_GiveTheTargetShareAndAverageOne()
    {
        // 10 validation rows, 2 of them new-ad rows (20 %); 30 of 100 scored rows are (30 %):
        // new rows weigh 0.3 / 0.2 = 1.5, the others 0.7 / 0.8 = 0.875; weighted share 3 / (3 + 7) = 0.3.
        var weighting = new NewAdWeighting(ValidationRows: 10, ValidationNewAdRows: 2, ScoredRows: 100, ScoredNewAdRows: 30);

        var weights = weighting.Weights([0, 5]);

        Assert.Equal(1.5, weights[0], 12);
        Assert.Equal(1.5, weights[5], 12);
        Assert.All(weights.Where((_, i) => i is not 0 and not 5), w => Assert.Equal(0.875, w, 12));
        Assert.Equal(0.3, (weights[0] + weights[5]) / weights.Sum(), 12);
        Assert.Equal(10, weights.Sum(), 12);
    }

    [Theory]
    [InlineData(0, 30, false)] // no new-ad row to weigh up
    [InlineData(10, 30, false)] // nothing but new-ad rows
    [InlineData(0, 0, true)] // none wanted, none there: every row weighs 1
    [InlineData(10, 100, true)]
    public void Reachable_OneKindOfRowOnly_OnlyWhenTheScoredRowsHaveThatKindOnly(int validNew, int scoredNew, bool reachable)
    {
        var weighting = new NewAdWeighting(10, validNew, 100, scoredNew);

        Assert.Equal(reachable, weighting.Reachable);
        if (reachable) { Assert.All(weighting.Weights(validNew == 0 ? [] : [.. Enumerable.Range(0, 10)]), w => Assert.Equal(1.0, w)); }
    }

    [Fact]
    public void Of_GeneratedDays_CountsNewAdsIndependentlyAndWeighsToTheScoredShare()
    {
        var (train, scored, split) = Fold();

        var (weighting, weights) = NewAdWeighting.Of(train, scored, split);

        // Counted again from the raw ad values: new on the validation day = on no training day; new among the
        // scored rows = on no labelled day at all.
        Assert.True(train.TryGetCategorical(Workflow.AdColumn, out var ads));
        Assert.True(scored.TryGetCategorical(Workflow.AdColumn, out var scoredAds));
        var trainingAds = split.TrainRows.Select(ads.ValueAt).Where(v => v is not null).ToHashSet();
        var labelledAds = Enumerable.Range(0, train.RowCount).Select(ads.ValueAt).Where(v => v is not null).ToHashSet();
        var validNew = split.ValidationRows.Select((r, i) => (ads.ValueAt(r), i)).Where(x => x.Item1 is not null && !trainingAds.Contains(x.Item1)).Select(x => x.i).ToArray();
        var scoredNew = Enumerable.Range(0, scored.RowCount).Count(r => scoredAds.ValueAt(r) is { } v && !labelledAds.Contains(v));
        Assert.Equal(new NewAdWeighting(split.ValidationRows.Length, validNew.Length, scored.RowCount, scoredNew), weighting);
        Assert.InRange(validNew.Length, 1, split.ValidationRows.Length - 1); // the data reaches the case: both kinds, unequal shares
        Assert.True(weighting.TargetShare > 2 * weighting.ValidationShare, weighting.Describe());
        Assert.Equal((double)scoredNew / scored.RowCount, validNew.Sum(i => weights![i]) / weights!.Sum(), 12);
    }

    [Fact]
    public void Build_OptionOn_SetsTheWeightsOnBothValidationDatasetsAndWeighsTheLogLoss()
    {
        var (train, scored, split) = Fold();
        var options = Options with { WeightValidationNewAds = true };

        using var inputs = ModelInputs.Build(train, scored, split, options, NullLogger.Instance);

        var weights = inputs.ValidWeights!;
        Assert.Equal(ModelInputs.Floats(weights), inputs.DataFor(ModelNames.EndToEnd).Valid!.GetWeight());
        Assert.Equal(ModelInputs.Floats(SplitLabels.At(weights, inputs.Labels.ValidLikedRows)), inputs.DataFor(ModelNames.Install).Valid!.GetWeight());
        var (model, predictions) = inputs.Train(ModelNames.EndToEnd, options.ParametersFor(ModelNames.EndToEnd), 30, 10, [], CancellationToken.None);
        using (model.Booster)
        {
            Assert.Equal(Metrics.LogLoss(inputs.Labels.ValidInstalled, predictions!, weights), model.ValidationLogLoss!.Value, 12);
            Assert.NotEqual(Metrics.LogLoss(inputs.Labels.ValidInstalled, predictions!), model.ValidationLogLoss!.Value, 6);
        }
        var (install, liked) = inputs.Train(ModelNames.Install, options.ParametersFor(ModelNames.Install), 30, 10, [], CancellationToken.None);
        using (install.Booster)
        {
            var rows = inputs.Labels.ValidLikedRows;
            Assert.Equal(Metrics.LogLoss(SplitLabels.At(inputs.Labels.ValidInstalled, rows), SplitLabels.At(liked!, rows), SplitLabels.At(weights, rows)),
                install.ValidationLogLoss!.Value, 12);
        }
    }

    [Fact]
    public void Build_OptionOff_SetsNoWeights()
    {
        var (train, scored, split) = Fold();

        using var inputs = ModelInputs.Build(train, scored, split, Options, NullLogger.Instance);

        Assert.Null(inputs.ValidWeights);
        Assert.Null(inputs.Weighting);
        Assert.Empty(inputs.DataFor(ModelNames.EndToEnd).Valid!.GetWeight());
        Assert.Empty(inputs.DataFor(ModelNames.Install).Valid!.GetWeight());
    }

    [Fact]
    public void Train_OptionOn_CalibratesAndBlendsWithTheWeights()
    {
        var (train, scored, split) = Fold();
        var options = Options with { WeightValidationNewAds = true, FitEnsembleWeight = true };

        using var system = new TwoStageTrainer(options, NullLogger.Instance).Train(train, scored);

        // The validation day rescored (the same features and models as in training), then ω and the weight
        // recomputed here with the weights: Σ wy ÷ Σ wp, and the weighted logloss's best grid point.
        var (weighting, weights) = NewAdWeighting.Of(train, scored, split);
        Assert.Equal(weighting, system.ValidationWeighting);
        var labels = ValidInstalled(train, split);
        var raw = system.Score(train, split.ValidationRows);
        Assert.Equal(Calibration.Omega(labels, raw.E2e, weights), system.OmegaE2e, 12);
        Assert.Equal(Calibration.Omega(labels, raw.Ts, weights), system.OmegaTs, 12);
        Assert.NotEqual(Calibration.Omega(labels, raw.E2e), system.OmegaE2e, 6);
        Assert.Equal(Ensemble.FitWeight(labels, raw.TsCalibrated, raw.E2eCalibrated, weights), system.EnsembleWeight, 12);
    }

    [Fact]
    public void Train_OptionOnWithoutATestSplit_IsRefused()
    {
        var options = Options with { WeightValidationNewAds = true };

        var e = Assert.Throws<ConfigurationException>(() => new TwoStageTrainer(options, NullLogger.Instance).Train(data.Train(), null));

        Assert.Equal("weight_validation_new_ads weights the validation day to the new-ad share of the rows to be scored, and this data set has no test split to score: leave the option out or add test/",
            e.Message);
    }

    [Fact]
    public void Json_OptionOff_IsNotWritten_OptionOn_RoundTrips()
    {
        // Off: the bundle's options are the bytes they were before the option existed.
        Assert.DoesNotContain("weight_validation_new_ads", JsonSerializer.Serialize(Options, ModelBundle.Json));
        var on = JsonSerializer.Serialize(Options with { WeightValidationNewAds = true }, ModelBundle.Json);
        Assert.Contains("\"weight_validation_new_ads\": true", on);
        Assert.True(JsonSerializer.Deserialize<TrainingOptions>(on, ModelBundle.Json)!.WeightValidationNewAds);
    }

    [Fact]
    public void Save_OptionOff_WritesNoWeightingIntoTheManifest_OptionOn_RecordsIt()
    {
        var (train, scored, _) = Fold();
        using var dir = new TempDir();
        string Manifest(TrainingOptions options, string name)
        {
            using var system = new TwoStageTrainer(options, NullLogger.Instance).Train(train, scored);
            ModelBundle.Save(system, dir.File(name), ModelBundle.Fingerprint(train));
            return File.ReadAllText(Path.Combine(dir.File(name), ModelBundle.ManifestFile));
        }

        var off = Manifest(Options with { MaxRounds = 5 }, "off");
        var on = Manifest(Options with { MaxRounds = 5, WeightValidationNewAds = true }, "on");

        Assert.DoesNotContain("weight", off.Replace("ensemble_weight", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("\"validation_weighting\": {", on);
        Assert.Contains("\"weight_validation_new_ads\": true", on);
    }

    /// <summary>The fixture's labelled days (the last validates) and its test split, to score: as on the challenge's
    /// data, its test day has many more new-ad rows than the validation day (which a backtest day of generated data
    /// does not), so the weights are far from 1.</summary>
    private (Frame Train, Frame Scored, DaySplit Split) Fold()
    {
        var set = DataSet.Load(data.Directory.File("data"), new DataSetOptions { UseCache = false });
        return (set.Train, set.Test!, DaySplit.Of(set.Train, null));
    }

    private static byte[] ValidInstalled(Frame train, DaySplit split)
        => SplitLabels.At(train.Label(Schema.InstallLabel).Values, split.ValidationRows);
}
