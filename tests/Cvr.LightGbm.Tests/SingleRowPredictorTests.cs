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
