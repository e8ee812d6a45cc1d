namespace Cvr.LightGbm.Tests;

public class BoosterTests
{
    private static readonly TestData s_data = TestData.Create();

    [LightGbmFact]
    public void SaveToString_LoadFromString_IdenticalPredictions()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 15);
        using var loaded = Booster.LoadFromString(booster.SaveToString());
        Assert.Equal(booster.Predict(s_data.Features, s_data.Rows), loaded.Predict(s_data.Features, s_data.Rows));
        Assert.Equal(booster.SaveToString(), loaded.SaveToString());
    }

    [LightGbmFact]
    public void LoadFromUtf8_TwoCopiesFromOneText_AreIndependentBoostersThatPredictAlike()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 15);
        var text = System.Text.Encoding.UTF8.GetBytes(booster.SaveToString());
        using var first = Booster.LoadFromUtf8(text);
        using var second = Booster.LoadFromUtf8(text);
        Assert.Equal(booster.Predict(s_data.Features, s_data.Rows), first.Predict(s_data.Features, s_data.Rows));
        Assert.Equal(first.Predict(s_data.Features, s_data.Rows), second.Predict(s_data.Features, s_data.Rows));
        first.Dispose();
        Assert.Equal(booster.Predict(s_data.Features, s_data.Rows), second.Predict(s_data.Features, s_data.Rows));
    }

    [LightGbmFact]
    public void SaveToFile_LoadFromFile_IdenticalPredictions()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 15);
        var path = Path.Combine(Path.GetTempPath(), $"cvr-lgbm-{Guid.NewGuid():N}.txt");
        try
        {
            booster.SaveToFile(path);
            using var loaded = Booster.LoadFromFile(path);
            Assert.Equal(booster.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore), loaded.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore));
            Assert.StartsWith("tree\nversion=v4", File.ReadAllText(path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [LightGbmFact]
    public void Predict_Contributions_SumToRawScore()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 20);
        var test = s_data.Take(100);
        var raw = booster.Predict(test.Features, test.Rows, PredictionKind.RawScore);
        var contributions = booster.Predict(test.Features, test.Rows, PredictionKind.Contributions);
        var width = test.Columns + 1;
        Assert.Equal(test.Rows * width, contributions.Length);
        for (var r = 0; r < test.Rows; r++)
        {
            Assert.Equal(raw[r], contributions.AsSpan(r * width, width).ToArray().Sum(), 9);
        }
    }

    [LightGbmFact]
    public void Predict_NormalIsSigmoidOfRaw()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        var raw = booster.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore);
        var probability = booster.Predict(s_data.Features, s_data.Rows);
        for (var r = 0; r < s_data.Rows; r += 97)
        {
            Assert.Equal(1 / (1 + Math.Exp(-raw[r])), probability[r], 12);
        }
    }

    [LightGbmFact]
    public void Predict_LeafIndex_OneLeafPerTree()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 6);
        var leaves = booster.Predict(s_data.Take(10).Features, 10, PredictionKind.LeafIndex);
        Assert.Equal(10 * 6, leaves.Length);
        Assert.All(leaves, leaf => Assert.InRange(leaf, 0, TestData.Binary.NumLeaves!.Value - 1));
    }

    [LightGbmFact]
    public void Predict_IterationRange_EqualsSumOfParts()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        var all = booster.Predict(s_data.Take(50).Features, 50, PredictionKind.RawScore);
        var first = booster.Predict(s_data.Take(50).Features, 50, PredictionKind.RawScore, startIteration: 0, iterationCount: 4);
        var rest = booster.Predict(s_data.Take(50).Features, 50, PredictionKind.RawScore, startIteration: 4, iterationCount: 6);
        for (var r = 0; r < 50; r++)
        {
            Assert.Equal(all[r], first[r] + rest[r], 9);
        }
    }

    [LightGbmFact]
    public void Create_NegativeNumLeaves_ThrowsWithLightGbmMessage()
    {
        using var dataset = s_data.ToDataset();
        var error = Assert.Throws<LightGbmException>(() => Booster.Create(dataset, TestData.Binary with { NumLeaves = -5 }));
        Assert.Equal("LGBM_BoosterCreate", error.Call);
        Assert.Contains("num_leaves", error.NativeMessage, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void Create_UnknownObjective_ThrowsWithLightGbmMessage()
    {
        using var dataset = s_data.ToDataset();
        var error = Assert.Throws<LightGbmException>(() => Booster.Create(dataset, TestData.Binary with { Objective = "binaryy" }));
        Assert.Contains("binaryy", error.NativeMessage, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void LoadFromString_Garbage_ThrowsLightGbmException()
    {
        var error = Assert.Throws<LightGbmException>(() => Booster.LoadFromString("not a model"));
        Assert.Equal("LGBM_BoosterLoadModelFromString", error.Call);
        Assert.NotEmpty(error.NativeMessage);
    }

    [LightGbmFact]
    public void SaveToString_DeterministicSameSeed_IdenticalModels()
    {
        var parameters = TestData.Binary with { FeatureFraction = 0.7, BaggingFraction = 0.8, BaggingFrequency = 1 };
        string Train()
        {
            using var dataset = s_data.ToDataset(parameters);
            using var booster = TestData.Train(dataset, 15, parameters);
            return booster.SaveToString();
        }
        Assert.Equal(Train(), Train());
    }

    [LightGbmFact]
    public void RollbackOneIteration_RemovesLastIteration()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 5);
        var before = booster.Predict(s_data.Take(20).Features, 20, PredictionKind.RawScore, iterationCount: 4);
        booster.RollbackOneIteration();
        Assert.Equal(4, booster.CurrentIteration);
        Assert.Equal(before, booster.Predict(s_data.Take(20).Features, 20, PredictionKind.RawScore));
    }

    [LightGbmFact]
    public void UpdateOneIteration_CustomLoglossGradients_MatchesBuiltInObjective()
    {
        // Binary log-loss: gradient p − y, hessian p(1 − p) on the raw score. Without boost_from_average the
        // built-in objective starts from 0 as well, so both boosters see the same gradients every iteration.
        var builtIn = TestData.Binary with { Extra = new Dictionary<string, string> { ["boost_from_average"] = "false" } };
        var custom = builtIn with { Objective = "none", Metrics = [] };
        using var dataset = s_data.ToDataset(builtIn);
        using var reference = TestData.Train(dataset, 5, builtIn);
        using var booster = Booster.Create(dataset, custom);
        var gradients = new float[s_data.Rows];
        var hessians = new float[s_data.Rows];
        for (var i = 0; i < 5; i++)
        {
            var raw = i == 0 ? new double[s_data.Rows] : booster.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore);
            for (var r = 0; r < s_data.Rows; r++)
            {
                var p = 1 / (1 + Math.Exp(-raw[r]));
                gradients[r] = (float)(p - s_data.Labels[r]);
                hessians[r] = (float)(p * (1 - p));
            }
            booster.UpdateOneIteration(gradients, hessians);
        }
        var expected = reference.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore);
        var actual = booster.Predict(s_data.Features, s_data.Rows, PredictionKind.RawScore);
        for (var r = 0; r < s_data.Rows; r += 50)
        {
            Assert.Equal(expected[r], actual[r], 3);
        }
    }

    [LightGbmFact]
    public void UpdateOneIteration_GradientCountMismatch_Throws()
    {
        using var dataset = s_data.ToDataset();
        using var booster = Booster.Create(dataset, TestData.Binary with { Objective = "none" });
        Assert.Throws<ArgumentException>(() => booster.UpdateOneIteration(new float[3], new float[3]));
    }

    [LightGbmFact]
    public void EvaluationNames_TwoMetrics_InParameterOrder()
    {
        using var dataset = s_data.ToDataset();
        using var booster = Booster.Create(dataset, TestData.Binary);
        Assert.Equal(["auc", "binary_logloss"], booster.EvaluationNames);
        booster.UpdateOneIteration();
        var training = booster.EvaluateAll(includeTraining: true);
        Assert.Equal(2, training.Count);
        Assert.All(training, e => Assert.Equal(Booster.TrainingDataName, e.DataName));
    }

    [LightGbmFact]
    public void FeatureImportance_InformativeFeatureFirst()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 20);
        var gain = booster.FeatureImportance(FeatureImportanceKind.Gain);
        var split = booster.FeatureImportance(FeatureImportanceKind.Split);
        Assert.Equal(s_data.Columns, gain.Length);
        // Feature 0 carries the largest coefficient in TestData's logit.
        Assert.Equal(0, Array.IndexOf(gain, gain.Max()));
        Assert.True(split.Sum() > 0);
        Assert.All(split, s => Assert.Equal(Math.Round(s), s));
    }

    [LightGbmFact]
    public void Dispose_DatasetBeforeBooster_BoosterStillWorks()
    {
        var dataset = s_data.ToDataset();
        using var booster = Booster.Create(dataset, TestData.Binary);
        dataset.Dispose();
        booster.UpdateOneIteration();
        Assert.Equal(1, booster.CurrentIteration);
    }
}
