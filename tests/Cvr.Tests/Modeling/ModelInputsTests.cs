using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Features;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Tests.Modeling;

/// <summary>The trainer's and tuner's one data path: what each model sees, and what never reaches the features.</summary>
[Trait("Category", "LightGbm")]
public class ModelInputsTests(ModelInputsTests.Data data) : IClassFixture<ModelInputsTests.Data>
{
    public sealed class Data : IDisposable
    {
        public Data()
        {
            Directory = new TempDir();
            SyntheticData.Generate(Directory.File("data"), new GeneratorOptions(Scale: 0.004, Seed: 23));
        }

        internal TempDir Directory { get; }

        /// <summary>A fresh copy of the training frame each time, so a test may edit its labels.</summary>
        public Frame Train() => DataSet.Load(Directory.File("data"), new DataSetOptions { UseCache = false }).Train;

        public void Dispose() => Directory.Dispose();
    }

    private static readonly TrainingOptions Options = new() { MaxRounds = 30, EarlyStoppingRounds = 10, Threads = 1, Baseline = false };

    private static ModelInputs Build(Frame train, TrainingOptions? options = null) =>
        ModelInputs.Build(train, null, DaySplit.Of(train, null), options ?? Options, NullLogger.Instance, retainTrainingMatrix: true);

    [Fact]
    public void Build_ValidationDayLabels_NeverReachAnyFeature()
    {
        var train = data.Train();
        var edited = data.Train();
        var split = DaySplit.Of(edited, null);
        foreach (var label in new[] { Schema.InstallLabel, Schema.ClickLabel })
        {
            var values = edited.Label(label).Values;
            foreach (var row in split.ValidationRows) { values[row] = (byte)(1 - values[row]); }
        }

        using var original = Build(train);
        using var flipped = Build(edited);

        Assert.Equal(original.TrainingMatrix!.Data, flipped.TrainingMatrix!.Data);
        Assert.Equal(original.Validation!.Data, flipped.Validation!.Data);
        // The history step holds the validation day's counts for later days (the test day) only.
        Assert.Equal((original.Pipeline with { History = null }).ToJson(), (flipped.Pipeline with { History = null }).ToJson());
        Assert.NotEmpty(original.Pipeline.HistorySteps);
        foreach (var (a, b) in original.Pipeline.HistorySteps.Zip(flipped.Pipeline.HistorySteps))
        {
            var before = Enumerable.Range(0, a.EntryDay.Length).Where(e => a.EntryDay[e] < split.ValidationDay).ToArray();
            Assert.Equal(before.Select(e => a.Likes[e]), before.Select(e => b.Likes[e]));
            Assert.Equal(before.Select(e => a.Installs[e]), before.Select(e => b.Installs[e]));
            Assert.NotEqual(a.Installs, b.Installs);
        }
    }

    [Fact]
    public void Build_AsOf_ATrainingDaysLabels_NeverReachAFeatureOfThatDayOrEarlier()
    {
        var train = data.Train();
        var edited = data.Train();
        var split = DaySplit.Of(edited, null);
        var days = split.TrainRows.Select(r => edited.Days[r]).Distinct().Order().ToArray();
        var day = days[days.Length / 2];
        foreach (var label in new[] { Schema.InstallLabel, Schema.ClickLabel })
        {
            var values = edited.Label(label).Values;
            foreach (var row in split.TrainRows.Where(r => edited.Days[r] == day)) { values[row] = (byte)(1 - values[row]); }
        }
        var options = Options with { Features = FeatureConfig.Default with { TargetEncoding = FeatureConfig.Default.TargetEncoding with { Encoding = TargetEncodingMode.AsOf } } };

        using var original = Build(train, options);
        using var flipped = Build(edited, options);

        var a = original.TrainingMatrix!;
        var b = flipped.TrainingMatrix!;
        var later = 0;
        for (var i = 0; i < split.TrainRows.Length; i++)
        {
            var rowDay = train.Days[split.TrainRows[i]];
            for (var j = 0; j < a.Columns; j++)
            {
                var same = a.Column(j)[i].Equals(b.Column(j)[i]);
                if (rowDay <= day) { Assert.True(same, $"feature {a.Names[j]} of a day-{rowDay} row changed with day {day}'s labels"); }
                else if (!same) { later++; }
            }
        }
        // The labels did reach later days' rows: the check above is not vacuous.
        Assert.True(later > 0);
    }

    [Fact]
    public void Build_TrainingRowsOwnLabel_NeverReachesItsOwnFeatures()
    {
        var train = data.Train();
        var edited = data.Train();
        var split = DaySplit.Of(edited, null);
        // A training row on an ad with many rows, so its label moves its encodings' out-of-fold statistics elsewhere.
        var position = split.TrainRows.Length / 2;
        var row = split.TrainRows[position];
        edited.Label(Schema.InstallLabel).Values[row] ^= 1;
        edited.Label(Schema.ClickLabel).Values[row] ^= 1;

        using var original = Build(train);
        using var flipped = Build(edited);

        var a = original.TrainingMatrix!;
        var b = flipped.TrainingMatrix!;
        for (var j = 0; j < a.Columns; j++)
        {
            Assert.True(a.Column(j)[position] == b.Column(j)[position] || (float.IsNaN(a.Column(j)[position]) && float.IsNaN(b.Column(j)[position])),
                $"feature {a.Names[j]} of the edited row changed with its own label");
        }
        // The label did reach other rows' encodings: the check above is not vacuous.
        Assert.NotEqual(a.Data, b.Data);
    }

    [Fact]
    public void Build_StreamedInChunks_TrainsEveryModelOfTheWholeMatrix()
    {
        // Whole: the float matrix binned at once (kept for the MMOE and the tuner's other max_bin values);
        // streamed: rows pushed in uneven chunks (the last one short) without ever holding the matrix.
        var train = data.Train();
        var split = DaySplit.Of(train, null);
        using var whole = Build(train);
        using var streamed = ModelInputs.Build(train, null, split, Options, NullLogger.Instance, null, retainTrainingMatrix: false,
            chunkValues: 997 * whole.Pipeline.FeatureNames.Count);
        Assert.Null(streamed.TrainingMatrix);
        Assert.NotEqual(0, split.TrainRows.Length % 997);
        foreach (var model in new[] { ModelNames.EndToEnd, ModelNames.Install })
        {
            var parameters = Options.ParametersFor(model);
            var (a, _) = whole.Train(model, parameters, 20, 20, [], CancellationToken.None);
            var (b, _) = streamed.Train(model, parameters, 20, 20, [], CancellationToken.None);
            using (a.Booster)
            using (b.Booster)
            {
                Assert.Equal(a.Booster.SaveToString(), b.Booster.SaveToString());
            }
        }
    }

    [Fact]
    public void ForRows_BagsTheTreeRowsOnlyAboveThemAndNeverOverTheUsersBagging()
    {
        var options = new TrainingOptions { TreeRows = 1_000 };
        var plain = options.ParametersFor(ModelNames.EndToEnd);
        var bagged = options.ForRows(plain, 4_000);
        Assert.Equal(0.25, bagged.BaggingFraction);
        Assert.Equal(1, bagged.BaggingFrequency);
        Assert.Same(plain, options.ForRows(plain, 1_000));
        Assert.Same(plain, (options with { TreeRows = 0 }).ForRows(plain, 4_000));
        Assert.Equal(0.25, new TrainingOptions().ForRows(plain, 4_000_000).BaggingFraction);
        Assert.Same(plain, new TrainingOptions().ForRows(plain, TrainingOptions.DefaultTreeRows));
        Assert.Same(plain, new TrainingOptions { Preset = Preset.Paper }.ForRows(plain, 4_000_000));
        var users = plain with { BaggingFraction = 0.9 };
        Assert.Same(users, options.ForRows(users, 4_000));
        Assert.Throws<ConfigurationException>(() => (options with { TreeRows = -1 }).Validate());
    }

    [Fact]
    public void Train_TreeRows_GrowsEachTreeOnThatManyRows()
    {
        var train = data.Train();
        var rows = DaySplit.Of(train, null).TrainRows.Length;
        var options = Options with { TreeRows = rows / 4 };
        using var inputs = ModelInputs.Build(train, null, DaySplit.Of(train, null), options, NullLogger.Instance);
        var (bagged, _) = inputs.Train(ModelNames.EndToEnd, options.ParametersFor(ModelNames.EndToEnd), 10, 10, [], CancellationToken.None);
        var (plain, _) = inputs.Train(ModelNames.EndToEnd, Options.ParametersFor(ModelNames.EndToEnd) with { BaggingFrequency = 0 }, 10, 10, [], CancellationToken.None);
        using (bagged.Booster)
        using (plain.Booster)
        {
            var text = bagged.Booster.SaveToString();
            var fraction = double.Parse(System.Text.RegularExpressions.Regex.Match(text, @"\[bagging_fraction: ([0-9.]+)\]").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal((double)(rows / 4) / rows, fraction, 1e-6);
            Assert.Contains("[bagging_freq: 1]", text, StringComparison.Ordinal);
            Assert.NotEqual(plain.Booster.SaveToString(), text);
        }
    }

    [Fact]
    public void DataFor_Install_IsTheLikedRowsWithTheirInstallLabels()
    {
        var train = data.Train();
        using var inputs = Build(train);
        var split = inputs.Split;
        var installed = train.Label(Schema.InstallLabel).Values;
        var like = Targets.Values(train, Targets.Like);
        var likedTrain = split.TrainRows.Where(r => like[r] == 1).ToArray();
        var likedValid = split.ValidationRows.Where(r => like[r] == 1).ToArray();
        Assert.InRange(likedTrain.Length, 1, split.TrainRows.Length - 1);

        var (stage2, stage2Valid) = inputs.DataFor(ModelNames.Install);
        Assert.Equal(likedTrain.Length, stage2.RowCount);
        Assert.Equal(likedTrain.Select(r => (float)installed[r]), stage2.GetLabel());
        Assert.Equal(likedValid.Length, stage2Valid!.RowCount);
        Assert.Equal(likedValid.Select(r => (float)installed[r]), stage2Valid.GetLabel());

        var (stage1, stage1Valid) = inputs.DataFor(ModelNames.Like);
        Assert.Equal(split.TrainRows.Length, stage1.RowCount);
        Assert.Equal(split.TrainRows.Select(r => (float)like[r]), stage1.GetLabel());
        Assert.Equal(split.ValidationRows.Select(r => (float)like[r]), stage1Valid!.GetLabel());
        var (e2e, _) = inputs.DataFor(ModelNames.EndToEnd);
        Assert.Equal(split.TrainRows.Select(r => (float)installed[r]), e2e.GetLabel());
    }

    [Fact]
    public void Train_Omega_IsTheValidationDaysRateOverTheModelsMeanPrediction()
    {
        var train = data.Train();
        using var system = new TwoStageTrainer(Options, NullLogger.Instance).Train(train, null);
        var split = system.Split;
        var installed = train.Label(Schema.InstallLabel).Values;
        var validInstalled = split.ValidationRows.Select(r => installed[r]).ToArray();
        var raw = system.PredictRaw(train, split.ValidationRows);
        var ts = raw[ModelNames.Like].Zip(raw[ModelNames.Install], (a, b) => a * b).ToArray();

        // ω = observed rate / mean prediction on the validation day (He et al. 2014), written out here.
        Assert.Equal(validInstalled.Average(v => (double)v) / ts.Average(), system.OmegaTs, 12);
        Assert.Equal(validInstalled.Average(v => (double)v) / raw[ModelNames.EndToEnd].Average(), system.OmegaE2e, 12);
        Assert.Equal(Calibration.Omega(validInstalled, ts), system.OmegaTs);

        // Not the training days' ω: the models fit those days, so their ω would be another number.
        var trainRaw = system.PredictRaw(train, split.TrainRows);
        var trainInstalled = split.TrainRows.Select(r => installed[r]).ToArray();
        Assert.NotEqual(Calibration.Omega(trainInstalled, trainRaw[ModelNames.EndToEnd]), system.OmegaE2e, 6);
    }

    [Fact]
    public void Train_ValidationMetrics_AreThoseOfTheReloadedSystemOnTheValidationDay()
    {
        var train = data.Train();
        using var dir = new TempDir();
        using (var trained = new TwoStageTrainer(Options with { Baseline = true }, NullLogger.Instance).Train(train, null))
        {
            ModelBundle.Save(trained, dir.File("model"), ModelBundle.Fingerprint(train));
        }
        var (system, manifest) = ModelBundleLoader.Load(dir.File("model"));
        using (system)
        {
            var split = DaySplit.Of(train, null);
            var installed = train.Label(Schema.InstallLabel).Values;
            var rescored = system.Score(train, split.ValidationRows).Evaluate(split.ValidationDay, [.. split.ValidationRows.Select(r => installed[r])], null);
            // Scores made during training (from the validation matrix of the training fit) and scores of the
            // reloaded bundle (features recomputed by the persisted pipeline) agree to the last bit.
            Assert.Equal(manifest.ValidationMetrics!.Models, rescored.Models);
            Assert.Equal(6, rescored.Models.Count);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_ThreadCount_ChangesNoByteOfTheBundle(bool treeRows)
    {
        using var dir = new TempDir();
        var train = data.Train();
        // With rows per tree below the training rows, every tree is grown on a seeded bag of them (LightGBM's bagging).
        var options = treeRows ? Options with { TreeRows = DaySplit.Of(train, null).TrainRows.Length / 3 } : Options;
        foreach (var threads in new[] { 1, 2 })
        {
            using var system = new TwoStageTrainer(options with { Threads = threads, Baseline = true }, NullLogger.Instance).Train(train, null);
            Assert.Equal(treeRows, system.Models[ModelNames.EndToEnd].Booster.SaveToString().Contains("[bagging_freq: 1]", StringComparison.Ordinal));
            ModelBundle.Save(system, dir.File($"model{threads}"), ModelBundle.Fingerprint(train));
        }
        var files = System.IO.Directory.GetFiles(dir.File("model1")).Select(Path.GetFileName).Order().ToArray();
        Assert.Contains("manifest.json", files);
        var differing = files.Where(file => !File.ReadAllBytes(Path.Combine(dir.File("model1"), file!)).AsSpan()
            .SequenceEqual(File.ReadAllBytes(Path.Combine(dir.File("model2"), file!)))).ToArray();
        Assert.Empty(differing);

        // And the same submission whatever the number of threads that score it.
        var test = DataSet.Load(data.Directory.File("data"), new DataSetOptions { UseCache = false }).Test!;
        var (loaded, _) = ModelBundleLoader.Load(dir.File("model1"));
        using (loaded)
        {
            foreach (var threads in new[] { 1, 2 })
            {
                Cvr.LightGbm.LightGbmThreads.SetMax(threads);
                var scores = loaded.Score(test);
                Submission.Write(dir.File($"sub{threads}.csv"), scores.RowIds, scores.Ensemble, scores.Click);
            }
            Cvr.LightGbm.LightGbmThreads.SetMax(0);
        }
        Assert.Equal(File.ReadAllBytes(dir.File("sub1.csv")), File.ReadAllBytes(dir.File("sub2.csv")));
    }
}
