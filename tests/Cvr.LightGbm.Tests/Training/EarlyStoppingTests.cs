using Cvr.LightGbm.Training;

namespace Cvr.LightGbm.Tests.Training;

public class EarlyStoppingTests
{
    [LightGbmFact]
    public void AfterIteration_NoImprovementForPatience_StopsAndReportsBest()
    {
        // A high learning rate with many leaves overfits quickly, so validation log-loss turns up early.
        var parameters = TestData.Binary with { LearningRate = 0.5, NumLeaves = 63, MinDataInLeaf = 2 };
        using var train = TrainingData.Train.ToDataset(parameters);
        using var valid = TrainingData.Validation(train);
        var result = Trainer.Train(parameters, train, 300, [("valid", valid)], [new EarlyStopping(5, metric: "binary_logloss")]);
        using var booster = result.Booster;

        Assert.StartsWith("early stopping", result.StopReason, StringComparison.Ordinal);
        Assert.Equal(result.BestIteration + 5, result.IterationsRun);
        var losses = result.History.Select(h => h.Results.Single(r => r.MetricName == "binary_logloss").Value).ToArray();
        Assert.Equal(losses.Min(), losses[result.BestIteration - 1]);
        Assert.Equal(result.BestIteration, booster.BestIteration);
        // Saves and predictions default to the best iteration.
        using var saved = Booster.LoadFromString(booster.SaveToString());
        Assert.Equal(result.BestIteration, saved.CurrentIteration);
    }

    [LightGbmFact]
    public void AfterIteration_MinDelta_StopsEarlierThanWithout()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        var plain = Trainer.Train(TestData.Binary, train, 200, [("valid", valid)], [new EarlyStopping(3)]);
        var strict = Trainer.Train(TestData.Binary, train, 200, [("valid", valid)], [new EarlyStopping(3, minDelta: 0.01)]);
        using var a = plain.Booster;
        using var b = strict.Booster;
        Assert.True(strict.IterationsRun < plain.IterationsRun, $"{strict.IterationsRun} vs {plain.IterationsRun}");
    }

    [LightGbmFact]
    public void BeforeTraining_NoValidationSet_Throws()
    {
        using var train = TrainingData.Train.ToDataset();
        var error = Assert.Throws<InvalidOperationException>(() => Trainer.Train(TestData.Binary, train, 10, callbacks: [new EarlyStopping(3)]));
        Assert.Contains("validation set", error.Message, StringComparison.Ordinal);
    }

    [LightGbmFact]
    public void BeforeTraining_UnknownMetric_Throws()
    {
        using var train = TrainingData.Train.ToDataset();
        using var valid = TrainingData.Validation(train);
        Assert.Throws<InvalidOperationException>(() => Trainer.Train(TestData.Binary, train, 10, [("valid", valid)], [new EarlyStopping(3, metric: "rmse")]));
    }
}
