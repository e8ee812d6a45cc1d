namespace Cvr.LightGbm.Tests;

/// <summary>The compiled forest against LightGBM's own single-row prediction, bit for bit, on the values where a
/// tree walk can differ: NaN, zero, values LightGBM reads as zero (|x| ≤ 1e-35, subnormals), negatives, infinities,
/// categories out of range, for each missing-value mode, categorical splits, iteration limits and one-leaf trees.</summary>
public class CompiledForestTests
{
    private const int Rows = 3000, Columns = 6;

    /// <summary>Columns 0–2 numeric with awkward values, 3 categorical (0–40, some negative, NaN or
    /// <paramref name="rareCategory"/>), 4 mostly zero, 5 noise; the label depends on all of them. (Training on a
    /// category of 10⁹ makes LightGBM take minutes; scoring one is cheap, so only scored rows have it.)</summary>
    private static TestData AwkwardData(int seed = 11, float rareCategory = 200)
    {
        var random = new Random(seed);
        var awkward = new[] { float.NaN, 0f, -0f, 1e-36f, -1e-36f, 1e-40f, float.Epsilon, 1e-35f, -1e-35f, 2e-35f, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f };
        var features = new float[Rows * Columns];
        var labels = new float[Rows];
        for (var r = 0; r < Rows; r++)
        {
            var row = features.AsSpan(r * Columns, Columns);
            for (var c = 0; c < 3; c++)
            {
                row[c] = random.Next(5) == 0 ? awkward[random.Next(awkward.Length)] : (float)(random.NextDouble() * 4 - 2);
            }
            row[3] = random.Next(20) switch { 0 => float.NaN, 1 => -3, 2 => rareCategory, _ => random.Next(41) };
            row[4] = random.Next(4) == 0 ? (float)random.NextDouble() : 0f;
            row[5] = (float)random.NextDouble();
            var logit = Value(row[0]) - Value(row[1]) + (row[3] % 7 == 3 ? 1.5 : -0.5) + (2 * row[4]) + (0.5 * Value(row[2]));
            labels[r] = random.NextDouble() < 1 / (1 + Math.Exp(-logit)) ? 1 : 0;
        }
        return new TestData(features, labels, Rows, Columns);

        static double Value(float v) => float.IsFinite(v) ? Math.Clamp(v, -2, 2) : float.IsNaN(v) ? 1 : Math.Sign(v) * 2;
    }

    public static TheoryData<string> Modes => ["nan-missing", "zero-as-missing", "no-missing", "categorical", "categorical-zero-as-missing", "deep"];

    private static LightGbmParameters ParametersFor(string mode) => (mode switch
    {
        "zero-as-missing" => TestData.Binary with { Extra = new Dictionary<string, string> { ["zero_as_missing"] = "true" } },
        "no-missing" => TestData.Binary with { Extra = new Dictionary<string, string> { ["use_missing"] = "false" } },
        "categorical" => TestData.Binary with { CategoricalFeatures = [3], Extra = new Dictionary<string, string> { ["min_data_per_group"] = "5", ["cat_smooth"] = "1" } },
        "categorical-zero-as-missing" => TestData.Binary with { CategoricalFeatures = [3], Extra = new Dictionary<string, string> { ["zero_as_missing"] = "true", ["min_data_per_group"] = "5" } },
        "deep" => TestData.Binary with { NumLeaves = 63, MinDataInLeaf = 3 },
        _ => TestData.Binary,
    }) with { FeaturePreFilter = false };

    [LightGbmTheory]
    [MemberData(nameof(Modes))]
    public void Predict_EveryRow_SameBitsAsLightGbm(string mode)
    {
        var data = AwkwardData();
        var parameters = ParametersFor(mode);
        using var dataset = data.ToDataset(parameters);
        using var booster = TestData.Train(dataset, 30, parameters);
        var forest = CompiledForest.TryCompile(booster, out var reason);
        Assert.True(forest is not null, reason);
        Assert.Equal(30, forest.TreeCount);
        if (mode.StartsWith("categorical", StringComparison.Ordinal))
        {
            Assert.Contains("num_cat=1", booster.SaveToString(), StringComparison.Ordinal); // the data made categorical splits
        }
        using var lightGbm = booster.CreateSingleRowPredictor();
        AssertSameBits(lightGbm, forest, data, AwkwardData(seed: 12, rareCategory: 1e9f));
    }

    [LightGbmFact]
    public void Predict_BestIterationAndExplicitCount_ScoreTheSameTreesAsLightGbm()
    {
        var data = AwkwardData();
        using var dataset = data.ToDataset(ParametersFor("nan-missing"));
        using var booster = TestData.Train(dataset, 20, ParametersFor("nan-missing"));
        booster.BestIteration = 7;
        using var best = booster.CreateSingleRowPredictor();
        var forest = CompiledForest.TryCompile(booster, out _)!;
        Assert.Equal(7, forest.TreeCount);
        AssertSameBits(best, forest, data);
        using var three = booster.CreateSingleRowPredictor(iterationCount: 3);
        AssertSameBits(three, CompiledForest.TryCompile(booster, out _, iterationCount: 3)!, data);
    }

    [LightGbmFact]
    public void Predict_TreesOfOneLeaf_AddTheirValue()
    {
        // No split can keep 5,000 rows per leaf out of 3,000: every tree is one leaf.
        var parameters = TestData.Binary with { MinDataInLeaf = 5000 };
        var data = AwkwardData();
        using var dataset = data.ToDataset(parameters);
        using var booster = TestData.Train(dataset, 3, parameters);
        Assert.Contains("num_leaves=1", booster.SaveToString(), StringComparison.Ordinal);
        using var lightGbm = booster.CreateSingleRowPredictor();
        AssertSameBits(lightGbm, CompiledForest.TryCompile(booster, out _)!, data);
    }

    [LightGbmFact]
    public void TryCompile_Multiclass_IsRefusedWithTheReason_AndCreateRowScorerFallsBackToLightGbm()
    {
        var data = AwkwardData();
        var parameters = TestData.Binary with { Objective = "multiclass", Metrics = ["multi_logloss"], Extra = new Dictionary<string, string> { ["num_class"] = "3" } };
        var labels = data.Labels.Select((_, r) => (float)(r % 3)).ToArray();
        using var dataset = Dataset.FromMatrix(data.Features, Rows, Columns, parameters, MatrixLayout.RowMajor);
        dataset.SetLabel(labels);
        using var booster = TestData.Train(dataset, 2, parameters);
        Assert.Null(CompiledForest.TryCompile(booster, out var reason));
        Assert.Contains("multiclass", reason, StringComparison.Ordinal);
        using var scorer = booster.CreateRowScorer();
        Assert.IsType<SingleRowPredictor>(scorer);
    }

    [LightGbmFact]
    public void TryCompile_LinearTrees_IsRefusedWithTheReason()
    {
        var data = AwkwardData();
        var parameters = TestData.Binary with { Extra = new Dictionary<string, string> { ["linear_tree"] = "true" } };
        var finite = data.Features.Select(v => float.IsFinite(v) ? v : 0f).ToArray();
        using var dataset = Dataset.FromMatrix(finite, Rows, Columns, parameters, MatrixLayout.RowMajor);
        dataset.SetLabel(data.Labels);
        using var booster = TestData.Train(dataset, 2, parameters);
        Assert.Null(CompiledForest.TryCompile(booster, out var reason));
        Assert.Contains("linear", reason, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void CreateRowScorer_Binary_IsCompiled()
    {
        using var dataset = AwkwardData().ToDataset();
        using var booster = TestData.Train(dataset, 2);
        using var scorer = booster.CreateRowScorer();
        Assert.IsType<CompiledForest>(scorer);
    }

    [LightGbmFact]
    public void Predict_WrongWidth_Throws()
    {
        using var dataset = AwkwardData().ToDataset();
        using var booster = TestData.Train(dataset, 2);
        var forest = CompiledForest.TryCompile(booster, out _)!;
        Assert.Throws<ArgumentException>(() => forest.Predict(new float[Columns - 1]));
    }

    /// <summary>The walk reads the row and the nodes without bounds checks, so a text whose splits read past the row or
    /// point past the tree is refused when parsed.</summary>
    [LightGbmFact]
    public void TryParse_SplitOrChildOutOfRange_ThrowsFormatException()
    {
        var data = AwkwardData();
        using var dataset = data.ToDataset(ParametersFor("nan-missing"));
        using var booster = TestData.Train(dataset, 5, ParametersFor("nan-missing"));
        var text = booster.SaveToString();
        Assert.NotNull(CompiledForest.TryParse(text, out _));
        var narrow = Assert.Throws<FormatException>(() => CompiledForest.TryParse(text.Replace("max_feature_idx=5", "max_feature_idx=0", StringComparison.Ordinal), out _));
        Assert.Contains("past max_feature_idx 0", narrow.Message, StringComparison.Ordinal);
        var child = System.Text.RegularExpressions.Regex.Replace(text, "left_child=(-?[0-9]+)", "left_child=99", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
        Assert.Contains("child node 99", Assert.Throws<FormatException>(() => CompiledForest.TryParse(child, out _)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NotAModel_ThrowsFormatException()
        => Assert.Throws<FormatException>(() => CompiledForest.TryParse("hello\nworld\n", out _));

    [Fact]
    public void FloatAtMost_DecidesEveryFloatAsTheDoubleComparison()
    {
        var random = new Random(3);
        for (var i = 0; i < 20_000; i++)
        {
            var threshold = i % 3 == 0 ? random.NextDouble() * 1e-34 * (random.Next(2) * 2 - 1) : (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-40, 40));
            var f = CompiledForest.FloatAtMost(threshold);
            var near = (float)threshold;
            foreach (var x in new[] { near, MathF.BitIncrement(near), MathF.BitDecrement(near), f, MathF.BitIncrement(f), 0f, -0f })
            {
                Assert.Equal((double)x <= threshold, x <= f);
            }
        }
        Assert.Equal(float.MaxValue, CompiledForest.FloatAtMost(1e300));
        Assert.Equal(float.NegativeInfinity, CompiledForest.FloatAtMost(-1e300));
    }

    private static void AssertSameBits(SingleRowPredictor expected, CompiledForest actual, params TestData[] sets)
    {
        foreach (var set in sets)
        {
            for (var r = 0; r < set.Rows; r++)
            {
                var row = set.Row(r);
                var want = expected.Predict(row);
                var got = actual.Predict(row);
                Assert.True(BitConverter.DoubleToInt64Bits(want) == BitConverter.DoubleToInt64Bits(got),
                    $"row {r} [{string.Join(", ", row)}]: LightGBM {want:R}, compiled {got:R}");
            }
        }
    }
}
