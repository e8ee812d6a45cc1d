namespace Cvr.LightGbm.Tests;

public class SingleRowPredictorTests
{
    private static readonly TestData s_data = TestData.Create();

    [LightGbmFact]
    public void Predict_EachRow_EqualsBatchPrediction()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        var batch = booster.Predict(s_data.Take(100).Features, 100);
        using var predictor = booster.CreateSingleRowPredictor();
        for (var r = 0; r < 100; r++)
        {
            Assert.Equal(batch[r], predictor.Predict(s_data.Row(r)), 12);
        }
    }

    [LightGbmFact]
    public void Predict_Contributions_EqualBatch()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        var batch = booster.Predict(s_data.Take(3).Features, 3, PredictionKind.Contributions);
        using var predictor = booster.CreateSingleRowPredictor(PredictionKind.Contributions);
        Assert.Equal(s_data.Columns + 1, predictor.OutputLength);
        var output = new double[predictor.OutputLength];
        predictor.Predict(s_data.Row(2), output);
        Assert.Equal(batch.AsSpan(2 * output.Length, output.Length).ToArray(), output);
    }

    [LightGbmFact]
    public void Predict_NormalRawAndContributionsFromThreeThreadsOnOneBooster_EachGivesTheBatchBits()
    {
        // What cvr serve's explain does beside predict: three kinds of single-row state on one booster at once.
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        const int rows = 50;
        var features = s_data.Take(rows).Features;
        var kinds = new[] { PredictionKind.Normal, PredictionKind.RawScore, PredictionKind.Contributions };
        var batch = kinds.Select(k => booster.Predict(features, rows, k)).ToArray();
        var predictors = kinds.Select(k => booster.CreateSingleRowPredictor(k)).ToArray();
        var failures = 0;
        Parallel.For(0, kinds.Length, k =>
        {
            var output = new double[predictors[k].OutputLength];
            for (var i = 0; i < 20 * rows; i++)
            {
                var r = i % rows;
                predictors[k].Predict(s_data.Row(r), output);
                if (!output.AsSpan().SequenceEqual(batch[k].AsSpan(r * output.Length, output.Length))) { Interlocked.Increment(ref failures); }
            }
        });
        foreach (var p in predictors) { p.Dispose(); }
        Assert.Equal(0, failures);
    }

    [LightGbmFact]
    public void Predict_TwoPredictorsDifferentIterations_DoNotMix()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 10);
        using var all = booster.CreateSingleRowPredictor(PredictionKind.RawScore);
        using var firstThree = booster.CreateSingleRowPredictor(PredictionKind.RawScore, iterationCount: 3);
        var row = s_data.Row(7);
        var expectedAll = booster.Predict(row, 1, PredictionKind.RawScore)[0];
        var expectedThree = booster.Predict(row, 1, PredictionKind.RawScore, iterationCount: 3)[0];
        Assert.NotEqual(expectedAll, expectedThree);
        Assert.Equal(expectedAll, all.Predict(row), 12);
        Assert.Equal(expectedThree, firstThree.Predict(row), 12);
        Assert.Equal(expectedAll, all.Predict(row), 12);
    }

    [LightGbmFact]
    public void Predict_WrongWidth_Throws()
    {
        using var dataset = s_data.ToDataset();
        using var booster = TestData.Train(dataset, 2);
        using var predictor = booster.CreateSingleRowPredictor();
        Assert.Throws<ArgumentException>(() => predictor.Predict(new float[3]));
    }
}
