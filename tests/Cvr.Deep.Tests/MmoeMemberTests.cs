using System.Text.Json;
using Cvr.Data;
using Cvr.Data.Synthetic;
using Cvr.Features;
using Cvr.Modeling;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cvr.Deep.Tests;

/// <summary>The MMOE as the third ensemble member, end to end on generated data: training, weights, the bundle.</summary>
public sealed class MmoeMemberTests(MmoeMemberTests.Trained trained) : IClassFixture<MmoeMemberTests.Trained>
{
    /// <summary>One small system trained with the MMOE, saved, shared by the tests.</summary>
    public sealed class Trained : IDisposable
    {
        public Trained()
        {
            SyntheticData.Generate(Directory.File("data"), new GeneratorOptions(Scale: 0.004, Seed: 5));
            Set = DataSet.Load(Directory.File("data"), new DataSetOptions { UseCache = false });
            System = new TwoStageTrainer(Options, NullLogger.Instance, kinds: Kinds).Train(Set.Train, Set.Test);
            ModelBundle.Save(System, Directory.File("model"), ModelBundle.Fingerprint(Set.Train));
        }

        public static TrainingOptions Options { get; } = new()
        {
            MaxRounds = 40, EarlyStoppingRounds = 10, Threads = 1, Baseline = false, SelectFeatures = 0,
            Members = [MmoeKind.KindName],
        };

        /// <summary>The deep model's kind, with a small network by default.</summary>
        public static MmoeKind Kind { get; } = new(new MmoeOptions { Experts = 2, ExpertUnits = 16, TowerUnits = 8, MaxEpochs = 3, BatchSize = 512 });

        public static EnsembleMemberKinds Kinds { get; } = new(Kind);

        internal TempDir Directory { get; } = new();
        public DataSet Set { get; }
        public TrainedSystem System { get; }
        public string Model => Directory.File("model");

        public void Dispose()
        {
            System.Dispose();
            Directory.Dispose();
        }
    }

    [Fact]
    public void Train_WithMmoe_WeightsAreNonNegativeSumToOne_AndTheMemberIsReported()
    {
        var system = trained.System;
        var member = Assert.Single(system.Members);
        Assert.Equal(MmoeKind.KindName, member.Model.Name);
        Assert.All(system.EnsembleWeights.Values, w => Assert.InRange(w, 0, 1));
        Assert.Equal(1, system.EnsembleWeights.Values.Sum(), 1e-9);
        Assert.Equal(3, system.EnsembleWeights.Count);
        Assert.True(member.Omega > 0);
        var rows = system.ValidationMetrics!.Models.Select(r => r.Model).ToArray();
        Assert.Contains("Model_mmoe", rows);
        Assert.Contains("Model_mmoe-cal", rows);
    }

    [Fact]
    public void Bundle_NamesTheMember_CoversItsFiles_AndScoresAsTrained()
    {
        var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(trained.Model, ModelBundle.ManifestFile))).RootElement;
        Assert.Equal(BundleManifest.MembersFormatVersion, manifest.GetProperty("format_version").GetInt32());
        var entry = manifest.GetProperty("members").GetProperty("mmoe");
        Assert.Equal("mmoe", entry.GetProperty("kind").GetString());
        var sums = File.ReadAllText(Path.Combine(trained.Model, BundleChecksums.FileName));
        Assert.Contains(MmoeModel.WeightsFile, sums);
        Assert.Contains(MmoeModel.ConfigFile, sums);

        var (loaded, _) = ModelBundleLoader.Load(trained.Model, Trained.Kinds);
        using (loaded)
        {
            var expected = trained.System.Score(trained.Set.Test!);
            var actual = loaded.Score(trained.Set.Test!);
            Assert.Equal(expected.Members.Single().Raw, actual.Members.Single().Raw);
            Assert.Equal(expected.Ensemble, actual.Ensemble);
            Assert.Equal(trained.System.EnsembleWeights, loaded.EnsembleWeights);
        }
    }

    [Fact]
    public void RowScorer_EveryTestRowAlone_GivesTheBatchScoresBits_WithoutAllocating()
    {
        var (system, _) = ModelBundleLoader.Load(trained.Model, Trained.Kinds);
        using (system)
        {
            var test = trained.Set.Test!;
            var batch = system.Score(test);
            var member = (MmoeModel)system.Members.Single().Model;
            using var scorer = new RowScorer(system);
            var row = scorer.CreateRow();
            var memberRow = member.CreateRowScorer(system.Pipeline.FeatureNames, scorer.Features.Schema);
            var features = new float[scorer.Features.Width];
            var scratch = scorer.Features.CreateScratch();
            Assert.True(system.Members.Single().Weight > 0.05, "the member's weight makes its per-row path count");
            for (var i = 0; i < test.RowCount; i++)
            {
                row.CopyFrom(test, i);
                scorer.Features.Transform(row, scratch, features);
                Assert.Equal(BitConverter.DoubleToInt64Bits(batch.Members.Single().Raw[i]), BitConverter.DoubleToInt64Bits(memberRow.PredictInstall(row, features)));
                Assert.Equal(BitConverter.DoubleToInt64Bits(batch.Ensemble[i]), BitConverter.DoubleToInt64Bits(scorer.Score(row).Installed));
            }
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var k = 0; k < 1000; k++) { scorer.Score(row); }
            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        }
    }

    [Fact]
    public void Refit_RetrainsTheMemberOnEveryLabelledDayForItsBestEpochs_KeepingItsOmegaAndWeight()
    {
        using var refit = new TwoStageTrainer(Trained.Options with { Refit = true }, NullLogger.Instance, kinds: Trained.Kinds).Train(trained.Set.Train, trained.Set.Test);
        var validatedMember = trained.System.Members.Single();
        var validated = (MmoeModel)validatedMember.Model;
        var member = refit.Members.Single();
        var model = (MmoeModel)member.Model;

        Assert.Equal(validatedMember.Omega, member.Omega);
        Assert.Equal(validatedMember.Weight, member.Weight);
        Assert.Equal(validated.Summary.BestEpoch, model.Summary.EpochsRun);
        Assert.Equal(validated.Summary.Head, model.Summary.Head);
        Assert.StartsWith("refit on every labelled day", model.Summary.StopReason, StringComparison.Ordinal);
        // Fitted on every labelled day (the validation day too): other input statistics, other weights.
        Assert.NotEqual(validated.Inputs.Numerics.Select(n => n.Mean), model.Inputs.Numerics.Select(n => n.Mean));
        var test = trained.Set.Test!;
        var scores = refit.Score(test);
        Assert.NotEqual(trained.System.Score(test).Members.Single().Raw, scores.Members.Single().Raw);
        // Saved and reloaded like any bundle, scoring the same.
        using var dir = new TempDir();
        ModelBundle.Save(refit, dir.File("model"), ModelBundle.Fingerprint(trained.Set.Train));
        var (loaded, _) = ModelBundleLoader.Load(dir.File("model"), Trained.Kinds);
        using (loaded)
        {
            Assert.Equal(scores.Ensemble, loaded.Score(test).Ensemble);
        }
    }

    [Fact]
    public void Train_RowsStreamedFromTheFeatures_GiveTheModelOfTheWholeMatrixEncodedAtOnce()
    {
        var (train, options) = (trained.Set.Train, Trained.Options);
        var split = DaySplit.Of(train, null);
        using var inputs = ModelInputs.Build(train, trained.Set.Test, split, options, NullLogger.Instance, keepTrainingFeatures: true);
        var timer = new PhaseTimer();

        // Streamed: the encoder fitted over chunks of 1,000 rows, each epoch's rows transformed and encoded 512 at a time.
        var (member, validation) = Trained.Kind.Train(train, inputs, options, NullLogger.Instance, timer, null, chunkRows: 1000, CancellationToken.None);
        using var streamed = (MmoeModel)member;

        // At once: every training row's matrix, encoded whole (how the member was trained before it streamed).
        var matrix = inputs.TrainingFeatures!.Transform();
        var encoder = MmoeInputEncoder.Fit(inputs.Pipeline, matrix, train, split.TrainRows, Trained.Kind.OptionsFor(options));
        var data = new MmoeData(encoder.Encode(matrix, train, split.TrainRows), FeaturePipeline.Select(Targets.Values(train, Targets.Like), split.TrainRows),
            FeaturePipeline.Select(train.Label(Schema.InstallLabel).Values, split.TrainRows));
        var valid = new MmoeData(encoder.Encode(inputs.Validation!, train, split.ValidationRows), FeaturePipeline.Select(Targets.Values(train, Targets.Like), split.ValidationRows),
            FeaturePipeline.Select(train.Label(Schema.InstallLabel).Values, split.ValidationRows));
        using var whole = MmoeTraining.Train(encoder, data, valid, Trained.Kind.OptionsFor(options), options.Seed, NullLogger.Instance, null, CancellationToken.None);

        Assert.Equal(JsonSerializer.Serialize(encoder), JsonSerializer.Serialize(streamed.Inputs));
        Assert.True(streamed.Summary.EpochsRun >= 2, "more than one epoch: each reshuffles the streamed rows");
        Assert.Equal(Weights(whole), Weights(streamed));
        Assert.Equal(whole.Summary, streamed.Summary);
        Assert.Equal(whole.PredictInstall(valid.Rows), validation);
        Assert.True(split.TrainRows.Length > 5 * 512, "several chunks per epoch");
        Assert.Contains("mmoe: inputs", timer.Seconds().Keys);
    }

    private static float[] Weights(MmoeModel model)
        => model.Network.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray()).ToArray();

    [Fact]
    public void Bundle_EditedWeights_FailTheIntegrityCheck()
    {
        using var copy = new TempDir();
        foreach (var file in Directory.GetFiles(trained.Model)) { File.Copy(file, copy.File(Path.GetFileName(file))); }
        var weights = File.ReadAllBytes(copy.File(MmoeModel.WeightsFile));
        weights[^5] ^= 0x40;
        File.WriteAllBytes(copy.File(MmoeModel.WeightsFile), weights);

        var error = Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(copy.Path, Trained.Kinds));
        Assert.Contains(MmoeModel.WeightsFile, error.Message);
    }

    [Fact]
    public void Load_WithoutTheMmoeKind_NamesTheMissingKindAndHowToGiveIt_WhateverWasLoadedBefore()
    {
        var (loaded, _) = ModelBundleLoader.Load(trained.Model, Trained.Kinds);
        loaded.Dispose();

        var manifest = Path.Combine(trained.Model, ModelBundle.ManifestFile);
        var expected = $"{manifest}: ensemble member 'mmoe' is of kind 'mmoe', which this program can't load (it was given no member kinds); "
            + "load the bundle with an EnsembleMemberKinds that holds the 'mmoe' kind, from the assembly that implements it";
        Assert.Equal(expected, Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(trained.Model)).Message);
        Assert.Equal(expected, Assert.Throws<ModelBundleException>(() => ModelBundleLoader.Load(trained.Model, EnsembleMemberKinds.Empty)).Message);
    }

    [Fact]
    public void Load_BundleWhoseOptionsHoldTheOldMmoeCopy_LoadsAsTrained_TheMembersOwnFileDecides()
    {
        var written = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(trained.Model, ModelBundle.ManifestFile)))!;
        Assert.Null(written["options"]!["mmoe"]); // the member records its options itself (mmoe.json)
        using var copy = new TempDir();
        foreach (var file in Directory.GetFiles(trained.Model)) { File.Copy(file, copy.File(Path.GetFileName(file))); }
        // As cvr wrote bundles before the MMOE's options left TrainingOptions: a copy of them in the manifest's options.
        written["options"]!["mmoe"] = new System.Text.Json.Nodes.JsonObject { ["experts"] = 7, ["expert_units"] = 64, ["max_epochs"] = 12 };
        File.WriteAllText(copy.File(ModelBundle.ManifestFile), written.ToJsonString());
        BundleChecksums.Write(copy.Path);

        var (loaded, _) = ModelBundleLoader.Load(copy.Path, Trained.Kinds);
        using (loaded)
        {
            Assert.Equal(((MmoeModel)trained.System.Members.Single().Model).Options, ((MmoeModel)loaded.Members.Single().Model).Options);
            Assert.Equal(trained.System.Score(trained.Set.Test!).Ensemble, loaded.Score(trained.Set.Test!).Ensemble);
        }
    }

    [Theory]
    [InlineData("experts", "many", "params.json: parameters of 'mmoe': experts: cannot parse 'many' as a whole number")]
    [InlineData("learning_rate", "fast", "params.json: parameters of 'mmoe': learning_rate: cannot parse 'fast' as a number")]
    [InlineData("expert", "4", "params.json: parameters of 'mmoe': expert: unknown MMOE parameter (expected experts, expert_units, tower_units, embedding_dim, learning_rate, batch_size, max_epochs, patience, weight_ctr, weight_cvr, weight_ctcvr, max_vocabulary, min_count)")]
    [InlineData("experts", "0", "mmoe: experts must be positive, not 0")]
    public void Validate_BadMmoeSection_IsTheKindsNamedError(string name, string value, string message)
    {
        var options = new TrainingOptions
        {
            Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["mmoe"] = new Dictionary<string, string> { [name] = value } },
            ParametersSource = "params.json",
        };

        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => options.Validate(Trained.Kinds)).Message);
        Assert.Equal(message, Assert.Throws<ConfigurationException>(() => Trained.Kind.OptionsFor(options)).Message);
    }

    [Fact]
    public void SearchSpace_ATrialsParameters_AreOptionsTheKindReads()
    {
        var kind = new MmoeKind();
        var study = Cvr.Tuning.Study.Create(new Cvr.Tuning.StudyOptions { Sampler = new Cvr.Tuning.RandomSampler(7) });
        var values = study.Ask().Suggest(kind.SearchSpace());

        var section = kind.ToParameters(values);
        var options = kind.OptionsFor(new TrainingOptions { Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { [kind.Name] = section } });

        Assert.Equal((double)values["learning_rate"], options.LearningRate);
        Assert.Equal(Convert.ToInt32(values["experts"], System.Globalization.CultureInfo.InvariantCulture), options.Experts);
        Assert.Equal(Convert.ToInt32(values["batch_size"], System.Globalization.CultureInfo.InvariantCulture), options.BatchSize);
        Assert.Equal(JsonSerializer.Serialize(options, ModelBundle.Json), kind.Options(section, null).GetRawText());
    }

    [Fact]
    public void Encoder_UnseenCategoricalValues_TakeTheOutOfVocabularyRow_AndNumericsAreStandardised()
    {
        var system = trained.System;
        var model = (MmoeModel)system.Members.Single().Model;
        var train = trained.Set.Train;
        var split = DaySplit.Of(train, null);
        var features = system.Pipeline.Transform(train, split.TrainRows);
        var encoded = model.Inputs.Encode(features, train, split.TrainRows);

        // Standardised on these very rows: every numeric input has mean ≈ 0 over the rows where it is present.
        for (var slot = 0; slot < encoded.NumericWidth; slot++)
        {
            double sum = 0;
            for (var i = 0; i < encoded.Rows; i++) { sum += encoded.Numerics[i * encoded.NumericWidth + slot]; }
            Assert.InRange(sum / encoded.Rows, -1.0, 1.0);
        }
        // A value never seen in training maps to its column's out-of-vocabulary row (the column's offset).
        var first = model.Inputs.Categoricals[0];
        var column = features.Names.ToList().IndexOf(first.Name);
        features.Column(column)[0] = 1e9f;
        var unseen = model.Inputs.Encode(features, train, split.TrainRows);
        Assert.Equal(first.Offset, unseen.Categories[0]);
        Assert.All(unseen.Categories, c => Assert.InRange(c, 0, model.Inputs.Vocabulary - 1));
        Assert.Contains(model.Inputs.Numerics, n => n.Indicator);
    }

    [Fact]
    public void Tune_Mmoe_WritesAnMmoeSectionThatTrainReads()
    {
        using var dir = new TempDir();
        var tune = new Cvr.Modeling.Tuning.TuneOptions { Model = MmoeKind.KindName, Trials = 2, OutFile = dir.File("params.json") };
        var training = Trained.Options with { Members = [] };
        var kind = new MmoeKind(Trained.Kind.Defaults with { MaxEpochs = 1 });

        var report = Cvr.Modeling.Tuning.LightGbmTuner.Run(trained.Directory.File("data"), tune, training, new DataSetOptions { UseCache = false }, NullLogger.Instance,
            CancellationToken.None, new EnsembleMemberKinds(kind));

        var result = Assert.Single(report.Models);
        Assert.Equal(2, result.Complete);
        var sections = ParametersFile.Read(dir.File("params.json"));
        var section = Assert.Single(sections).Value;
        Assert.Equal(kind.SearchSpace().Select(p => p.Key).Order(), section.Keys.Order());
        var tuned = kind.OptionsFor(training with { Members = [MmoeKind.KindName], Parameters = sections });
        Assert.Equal(double.Parse(section["learning_rate"], System.Globalization.CultureInfo.InvariantCulture), tuned.LearningRate);
        Assert.Equal(int.Parse(section["experts"], System.Globalization.CultureInfo.InvariantCulture), tuned.Experts);
    }

    [Fact]
    public void Options_UnknownMember_OrBadValue_AreConfigurationErrors()
    {
        var unknown = Assert.Throws<ConfigurationException>(() => (new TrainingOptions { Members = ["gbdt2"] }).Validate(Trained.Kinds));
        Assert.Contains("unknown ensemble member 'gbdt2'", unknown.Message);
        var badValue = Assert.Throws<ConfigurationException>(() => (new TrainingOptions
        {
            Members = [MmoeKind.KindName],
            Parameters = new Dictionary<string, IReadOnlyDictionary<string, string>> { ["mmoe"] = new Dictionary<string, string> { ["experts"] = "many" } },
        }).Validate(Trained.Kinds));
        Assert.Contains("experts", badValue.Message);
    }
}
